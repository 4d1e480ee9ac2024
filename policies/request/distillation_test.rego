package termsgate.request_test

import data.termsgate.fixtures
import data.termsgate.request

risk(level, cleared) := {"level": level, "score": 82, "scope": "key:vk_demo", "signals": ["reasoning_elicitation", "harvesting"], "cleared": cleared}

with_risk(model, level, cleared) := object.union(fixtures.call(model), {"distillation": risk(level, cleared)})

test_high_risk_refuses_a_provider_whose_terms_forbid_training if {
	d := request.decision with input as with_risk("gpt-4o-mini", "high", false)
	not d.allow
	some r in d.reasons
	r.rule == "distillation.high_risk"
	contains(r.message, "reasoning_elicitation, harvesting")
	contains(r.message, "until the legal team clears key:vk_demo")
}

test_high_risk_leaves_self_hosted_models_open_with_a_warning if {
	d := request.decision with input as with_risk("llama-3.1-8b-instruct", "high", false)
	d.allow
	d.obligations.warnings == ["distillation risk: key:vk_demo is high (score 82; signals: reasoning_elicitation, harvesting)"]
}

test_a_clearance_lifts_the_refusal_and_says_so if {
	d := request.decision with input as with_risk("claude-3-5-haiku-latest", "high", true)
	d.allow
	d.obligations.warnings == ["distillation risk: key:vk_demo is high (score 82; signals: reasoning_elicitation, harvesting), cleared by the legal team"]
}

test_medium_risk_warns if {
	d := request.decision with input as with_risk("gpt-4o-mini", "medium", false)
	d.allow
	count(d.obligations.warnings) == 1
}

test_low_risk_adds_nothing if {
	d := request.decision with input as with_risk("gpt-4o-mini", "low", false)
	d.allow
	not d.obligations.warnings
}
