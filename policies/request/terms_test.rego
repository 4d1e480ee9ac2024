package termsgate.request_test

import data.termsgate.fixtures
import data.termsgate.request

test_training_data_to_openai_denied_citing_services_agreement if {
	d := request.decision with input as fixtures.with_purpose("gpt-4o-mini", "training-data")
	not d.allow
	some r in d.reasons
	r.rule == "terms.training_forbidden"
	r.clause.licence == "openai-services-agreement"
	r.clause.section == "3.3 Restrictions, (e)"
	contains(r.clause.text, "use Output to develop artificial intelligence models that compete with OpenAI's products and services")
	r.clause.url == "https://openai.com/policies/services-agreement/"
}

# The Usage Policy clause is what refuses a model that does not compete (D.4 covers competing models only),
# so the refusal cites it first.
test_training_data_to_anthropic_denied_citing_the_usage_policy_first if {
	d := request.decision with input as fixtures.with_purpose("claude-3-5-haiku-latest", "training-data")
	not d.allow
	some r in d.reasons
	r.rule == "terms.training_forbidden"
	r.clause.licence == "anthropic-commercial-terms"
	startswith(r.clause.section, "Usage Policy")
	contains(r.clause.text, "'model distillation') without prior authorization from Anthropic")
}

test_every_training_purpose_to_xai_denied if {
	every purpose in ["training-data", "distillation"] {
		d := request.decision with input as fixtures.keyed_purpose("grok-3-mini", purpose)
		not d.allow
		fixtures.rules(d.reasons) == {"terms.licence_unverified"}
	}
}

test_unverified_entry_denied_for_training_even_when_its_class_is_free if {
	d := request.decision with input as fixtures.with_purpose("mistral-small-latest", "training-data")
	not d.allow
	fixtures.rules(d.reasons) == {"terms.licence_unverified"}
}

test_training_data_to_trainable_checkpoints_allowed if {
	every m in ["llama-3.1-8b-instruct", "llama-3.3-70b-instruct", "llama-4-scout", "qwen2.5-7b-instruct", "qwen2.5-3b-instruct", "qwen2.5-72b-instruct", "deepseek-r1", "deepseek-v3", "deepseek-r1-distill-llama-8b", "deepseek-r1-distill-llama-70b", "gemma-3-12b-it", "gpt-oss-20b", "c4ai-command-r"] {
		request.decision.allow with input as fixtures.with_purpose(m, "training-data")
	}
}

test_training_data_unknown_licence_denied if {
	d := request.decision with input as object.union(fixtures.with_route("qwen2.5-7b-instruct", {"licence": "mystery"}), {"purpose": "training-data"})
	not d.allow
	fixtures.rules(d.reasons) == {"terms.licence_unknown"}
}

# A checkpoint's licence does not stretch to another checkpoint of the family: the 3B model routed under
# the 7B's Apache entry is refused.
test_checkpoint_licence_on_another_checkpoint_denied if {
	inp := fixtures.with_route("qwen2.5-3b-instruct", {"licence": "qwen2.5-7b-instruct"})
	d := request.decision with input as object.union(inp, {"purpose": "training-data"})
	not d.allow
	fixtures.rules(d.reasons) == {"terms.licence_mismatch"}
}

# One vendor's terms do not stand in for another's: an entry for Google's API routed to the OpenAI provider.
test_another_providers_terms_denied if {
	inp := fixtures.with_route("gpt-4o-mini", {"licence": "gemini-api-additional-terms"})
	d := request.decision with input as object.union(inp, {"purpose": "training-data"})
	not d.allow
	fixtures.rules(d.reasons) == {"terms.licence_mismatch"}
}

# Provider terms cannot make a self-hosted checkpoint trainable.
test_provider_terms_on_a_self_hosted_model_denied if {
	inp := fixtures.with_route("qwen2.5-3b-instruct", {"licence": "gemini-api-additional-terms"})
	d := request.decision with input as object.union(inp, {"purpose": "training-data"})
	not d.allow
	fixtures.rules(d.reasons) == {"terms.licence_mismatch"}
}

test_purpose_outside_training_purposes_is_not_checked_against_terms if {
	every m in ["gpt-4o-mini", "grok-3-mini", "mistral-small-latest"] {
		request.decision.allow with input as fixtures.call(m)
	}
	request.decision.allow with input as fixtures.keyed_purpose("grok-3-mini", "evaluation")
}

test_training_purposes_default_to_training_data_without_company_list if {
	company := object.remove(data.data.company, ["training"])
	d := request.decision with input as fixtures.with_purpose("gpt-4o-mini", "training-data") with data.data.company as company
	not d.allow
	request.decision.allow with input as fixtures.keyed_purpose("gpt-4o-mini", "distillation") with data.data.company as company
}
