package termsgate.request_test

import data.termsgate.fixtures
import data.termsgate.request

test_unknown_purpose_denied if {
	inp := object.union(fixtures.with_purpose("qwen2.5-7b-instruct", "astrology"), {"principal": object.union(fixtures.principal, {"allowed_purposes": ["astrology"]})})
	d := request.decision with input as inp
	not d.allow
	fixtures.rules(d.reasons) == {"purpose.unknown"}
}

test_purpose_not_allowed_for_key if {
	d := request.decision with input as fixtures.with_purpose("qwen2.5-7b-instruct", "support")
	not d.allow
	fixtures.rules(d.reasons) == {"purpose.not_allowed_for_key"}
	some r in d.reasons
	contains(r.message, "general, code-assist, training-data")
}

test_purpose_not_allowed_for_team if {
	d := request.decision with input as fixtures.with_team("llama-3.1-8b-instruct", "support-contractors", "training-data")
	not d.allow
	"purpose.not_allowed_for_team" in fixtures.rules(d.reasons)
}

test_allowed_purpose if {
	request.decision.allow with input as fixtures.with_purpose("qwen2.5-7b-instruct", "code-assist")
}
