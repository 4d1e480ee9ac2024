package termsgate.request_test

import data.termsgate.fixtures
import data.termsgate.request

test_pii_allowed_for_demo_team_with_redacted_logging if {
	d := request.decision with input as fixtures.with_classes("gpt-4o-mini", ["pii.email", "pii.phone"])
	d.allow
	d.obligations.content_logging == "redacted"
	d.obligations.redactions == ["pii.email", "pii.phone"]
}

test_team_may_not_send_national_ids_outside if {
	inp := object.union(fixtures.with_team("claude-3-5-haiku-latest", "support-contractors", "support"), {"data_classes": ["pii.national_id"]})
	d := request.decision with input as inp
	not d.allow
	fixtures.rules(d.reasons) == {"personal_data.external_provider"}
}

test_team_may_send_national_ids_to_self_hosted if {
	inp := object.union(fixtures.with_team("llama-3.1-8b-instruct", "support-contractors", "support"), {"data_classes": ["pii.national_id"]})
	request.decision.allow with input as inp
}
