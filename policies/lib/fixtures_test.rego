# Inputs shared by the test suites: a demo-team chat call to each demo model.
package termsgate.fixtures

principal := {
	"key_id": "vk_demo",
	"team": "demo",
	"project": "demo",
	"default_purpose": "general",
	"allowed_purposes": ["general", "code-assist", "training-data"],
}

routes := {
	"gpt-4o-mini": {"model": "gpt-4o-mini", "provider": "openai", "provider_kind": "openai", "external": true, "upstream_model": "gpt-4o-mini", "revision": "", "licence": "openai-services-agreement"},
	"claude-3-5-haiku-latest": {"model": "claude-3-5-haiku-latest", "provider": "anthropic", "provider_kind": "anthropic", "external": true, "upstream_model": "claude-3-5-haiku-20241022", "revision": "", "licence": "anthropic-commercial-terms"},
	"gemini-2.0-flash": {"model": "gemini-2.0-flash", "provider": "google", "provider_kind": "openai-compatible", "external": true, "upstream_model": "gemini-2.0-flash", "revision": "", "licence": "gemini-api-additional-terms"},
	"mistral-small-latest": {"model": "mistral-small-latest", "provider": "mistral", "provider_kind": "openai-compatible", "external": true, "upstream_model": "mistral-small-latest", "revision": "", "licence": "mistral-commercial-terms"},
	"grok-3-mini": {"model": "grok-3-mini", "provider": "xai", "provider_kind": "openai-compatible", "external": true, "upstream_model": "grok-3-mini", "revision": "", "licence": "xai-enterprise-terms"},
	"llama-3.1-8b-instruct": {"model": "llama-3.1-8b-instruct", "provider": "vllm", "provider_kind": "openai-compatible", "external": false, "upstream_model": "meta-llama/Llama-3.1-8B-Instruct", "revision": "", "licence": "llama-3.1-8b-instruct"},
	"llama-3.3-70b-instruct": {"model": "llama-3.3-70b-instruct", "provider": "vllm", "provider_kind": "openai-compatible", "external": false, "upstream_model": "meta-llama/Llama-3.3-70B-Instruct", "revision": "", "licence": "llama-3.3-70b-instruct"},
	"qwen2.5-7b-instruct": {"model": "qwen2.5-7b-instruct", "provider": "vllm", "provider_kind": "openai-compatible", "external": false, "upstream_model": "Qwen/Qwen2.5-7B-Instruct", "revision": "", "licence": "qwen2.5-7b-instruct"},
	"qwen2.5-3b-instruct": {"model": "qwen2.5-3b-instruct", "provider": "vllm", "provider_kind": "openai-compatible", "external": false, "upstream_model": "Qwen/Qwen2.5-3B-Instruct", "revision": "", "licence": "qwen2.5-3b-instruct"},
	"qwen2.5-72b-instruct": {"model": "qwen2.5-72b-instruct", "provider": "vllm", "provider_kind": "openai-compatible", "external": false, "upstream_model": "Qwen/Qwen2.5-72B-Instruct", "revision": "347606f5a6be8834d71d1321440b180e14fb19b0", "licence": "qwen2.5-72b-instruct"},
	"deepseek-r1": {"model": "deepseek-r1", "provider": "vllm", "provider_kind": "openai-compatible", "external": false, "upstream_model": "deepseek-ai/DeepSeek-R1", "revision": "", "licence": "deepseek-r1"},
	"deepseek-v3": {"model": "deepseek-v3", "provider": "vllm", "provider_kind": "openai-compatible", "external": false, "upstream_model": "deepseek-ai/DeepSeek-V3", "revision": "dd31960ee457249502f7c6a652a30ff78e9fc792", "licence": "deepseek-v3"},
	"gemma-3-12b-it": {"model": "gemma-3-12b-it", "provider": "vllm", "provider_kind": "openai-compatible", "external": false, "upstream_model": "google/gemma-3-12b-it", "revision": "", "licence": "gemma-3-12b-it"},
	"gpt-oss-20b": {"model": "gpt-oss-20b", "provider": "vllm", "provider_kind": "openai-compatible", "external": false, "upstream_model": "openai/gpt-oss-20b", "revision": "6cee5e8", "licence": "gpt-oss-20b"},
	"c4ai-command-r": {"model": "c4ai-command-r", "provider": "vllm", "provider_kind": "openai-compatible", "external": false, "upstream_model": "CohereLabs/c4ai-command-r-v01", "revision": "80d6b085dbccc9285fcd8d00aa8859dca1ca92a4", "licence": "c4ai-command-r-v01"},
	"mistral-large-instruct-2407": {"model": "mistral-large-instruct-2407", "provider": "vllm", "provider_kind": "openai-compatible", "external": false, "upstream_model": "mistralai/Mistral-Large-Instruct-2407", "revision": "c6a230e", "licence": "mistral-large-instruct-2407"},
	"llama-4-scout": {"model": "llama-4-scout", "provider": "vllm", "provider_kind": "openai-compatible", "external": false, "upstream_model": "meta-llama/Llama-4-Scout-17B-16E-Instruct", "revision": "", "licence": "llama-4-scout-17b-16e-instruct"},
	"deepseek-r1-distill-llama-8b": {"model": "deepseek-r1-distill-llama-8b", "provider": "vllm", "provider_kind": "openai-compatible", "external": false, "upstream_model": "deepseek-ai/DeepSeek-R1-Distill-Llama-8B", "revision": "13e77a97f0e97c886dfdd7e2b294fe4fc1973aed", "licence": "deepseek-r1-distill-llama-8b"},
	"gpt-4o-azure": {"model": "gpt-4o-azure", "provider": "azure", "provider_kind": "azure-openai", "external": true, "upstream_model": "prod-gpt-4o-mini", "revision": "", "licence": "azure-openai-product-terms"},
	"llama-3.1-8b-bedrock": {"model": "llama-3.1-8b-bedrock", "provider": "bedrock", "provider_kind": "bedrock", "external": true, "upstream_model": "meta.llama3-1-8b-instruct-v1:0", "revision": "", "licence": "llama-3.1-8b-instruct"},
	"llama-4-scout-bedrock": {"model": "llama-4-scout-bedrock", "provider": "bedrock", "provider_kind": "bedrock", "external": true, "upstream_model": "us.meta.llama4-scout-17b-instruct-v1:0", "revision": "", "licence": "llama-4-scout-17b-16e-instruct"},
	"deepseek-r1-distill-llama-70b": {"model": "deepseek-r1-distill-llama-70b", "provider": "vllm", "provider_kind": "openai-compatible", "external": false, "upstream_model": "deepseek-ai/DeepSeek-R1-Distill-Llama-70B", "revision": "", "licence": "deepseek-r1-distill-llama-70b"},
}

call(model) := {
	"principal": principal,
	"purpose": "general",
	"endpoint": "chat.completions",
	"route": routes[model],
	"data_classes": [],
	"data_class_counts": {},
	"data_class_paths": {},
	"stream": false,
	"now": "2026-11-28T12:00:00Z",
}

with_purpose(model, purpose) := object.union(call(model), {"purpose": purpose})

with_classes(model, classes) := object.union(call(model), {"data_classes": classes})

with_team(model, team, purpose) := object.union(call(model), {
	"purpose": purpose,
	"principal": object.union(principal, {"team": team, "allowed_purposes": [purpose]}),
})

rules(reasons) := {r.rule | some r in reasons}

# The call with its route changed (e.g. another licence, model id or revision).
with_route(model, changes) := object.union(call(model), {"route": object.union(routes[model], changes)})

# The call with a purpose the key is allowed to declare.
keyed_purpose(model, purpose) := object.union(with_purpose(model, purpose), {"principal": object.union(principal, {"allowed_purposes": [purpose]})})
