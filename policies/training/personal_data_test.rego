package termsgate.training_test

import data.termsgate.fixtures
import data.termsgate.training

test_pii_makes_output_not_trainable if {
	d := training.decision with input as fixtures.with_classes("qwen2.5-7b-instruct", ["pii.card", "pii.email"])
	d.permit == false
	fixtures.rules(d.reasons) == {"training.personal_data"}
	some r in d.reasons
	contains(r.message, "pii.card, pii.email")
}

test_pii_trainable_when_company_rule_allows_team if {
	d := training.decision with input as fixtures.with_classes("qwen2.5-7b-instruct", ["pii.email"])
		with data.data.company.training.personal_data_trainable_teams as ["demo"]
	d.permit == true
}

test_secrets_make_output_not_trainable if {
	d := training.decision with input as fixtures.with_classes("qwen2.5-7b-instruct", ["secret.token"])
	d.permit == false
	fixtures.rules(d.reasons) == {"training.secrets"}
}
