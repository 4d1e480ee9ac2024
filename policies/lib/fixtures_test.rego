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
	"gpt-4o-mini": {"model": "gpt-4o-mini", "provider": "openai", "provider_kind": "openai", "external": true, "upstream_model": "gpt-4o-mini", "licence": "openai-terms"},
	"claude-3-5-haiku-latest": {"model": "claude-3-5-haiku-latest", "provider": "anthropic", "provider_kind": "anthropic", "external": true, "upstream_model": "claude-3-5-haiku-20241022", "licence": "anthropic-terms"},
	"llama-3.1-8b-instruct": {"model": "llama-3.1-8b-instruct", "provider": "vllm", "provider_kind": "openai-compatible", "external": false, "upstream_model": "meta-llama/Llama-3.1-8B-Instruct", "licence": "llama-3.1-community"},
	"qwen2.5-7b-instruct": {"model": "qwen2.5-7b-instruct", "provider": "vllm", "provider_kind": "openai-compatible", "external": false, "upstream_model": "Qwen/Qwen2.5-7B-Instruct", "licence": "apache-2.0"},
	"deepseek-r1": {"model": "deepseek-r1", "provider": "vllm", "provider_kind": "openai-compatible", "external": false, "upstream_model": "deepseek-ai/DeepSeek-R1", "licence": "mit"},
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
