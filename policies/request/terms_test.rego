package termsgate.request_test

import data.termsgate.fixtures
import data.termsgate.request

test_training_data_to_openai_denied_citing_clause if {
	d := request.decision with input as fixtures.with_purpose("gpt-4o-mini", "training-data")
	not d.allow
	some r in d.reasons
	r.rule == "terms.training_forbidden"
	r.clause.licence == "openai-terms"
	r.clause.text == "Use Output to develop models that compete with OpenAI."
	startswith(r.clause.url, "https://openai.com/")
}

test_training_data_to_anthropic_denied_citing_clause if {
	d := request.decision with input as fixtures.with_purpose("claude-3-5-haiku-latest", "training-data")
	not d.allow
	some r in d.reasons
	r.rule == "terms.training_forbidden"
	r.clause.licence == "anthropic-terms"
	contains(r.clause.text, "train any artificial intelligence")
}

test_training_data_to_open_models_allowed if {
	every m in ["llama-3.1-8b-instruct", "qwen2.5-7b-instruct", "deepseek-r1"] {
		request.decision.allow with input as fixtures.with_purpose(m, "training-data")
	}
}

test_training_data_unknown_licence_denied if {
	inp := fixtures.with_purpose("qwen2.5-7b-instruct", "training-data")
	d := request.decision with input as object.union(inp, {"route": object.union(inp.route, {"licence": "mystery"})})
	not d.allow
	fixtures.rules(d.reasons) == {"terms.licence_unknown"}
}

test_other_purposes_to_openai_allowed if {
	request.decision.allow with input as fixtures.call("gpt-4o-mini")
}
