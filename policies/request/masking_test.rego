package termsgate.request_test

import data.termsgate.fixtures
import data.termsgate.request

masking_team := object.union(data.data.company.teams["support-contractors"], {"mask_data_classes": ["secret.api_key", "pii.phone", "pii.email"]})

test_listed_classes_are_masked_and_the_call_goes_ahead if {
	d := request.decision with input as fixtures.with_team("claude-3-5-haiku-latest", "support-contractors", "support")
		with input.data_classes as ["pii.phone", "secret.api_key"]
		with data.data.company.teams["support-contractors"] as masking_team
	d.allow
	d.obligations.mask == ["pii.phone", "secret.api_key"]
}

test_a_secret_class_not_listed_is_still_refused if {
	d := request.decision with input as fixtures.with_team("claude-3-5-haiku-latest", "support-contractors", "support")
		with input.data_classes as ["secret.api_key", "secret.private_key"]
		with data.data.company.teams["support-contractors"] as masking_team
	not d.allow
	d.obligations.mask == ["secret.api_key"]
	some r in d.reasons
	r.message == "the request carries secret.private_key; secrets may not be sent to external provider \"anthropic\""
}

test_no_masking_without_a_listing if {
	d := request.decision with input as fixtures.with_team("claude-3-5-haiku-latest", "support-contractors", "support")
		with input.data_classes as ["pii.phone"]
	not d.allow
	d.obligations.mask == []
}

test_a_fragment_is_masked_where_the_team_masks_a_secret_class if {
	d := request.decision with input as fixtures.with_team("claude-3-5-haiku-latest", "support-contractors", "support")
		with input.data_classes as ["secret.api_key", "secret.fragment"]
		with data.data.company.teams["support-contractors"] as masking_team
	d.allow
	d.obligations.mask == ["secret.api_key", "secret.fragment"]
}

test_a_fragment_is_refused_where_the_team_masks_no_secret if {
	d := request.decision with input as fixtures.with_team("claude-3-5-haiku-latest", "support-contractors", "support")
		with input.data_classes as ["secret.fragment"]
		with data.data.company.teams["support-contractors"] as object.union(masking_team, {"mask_data_classes": ["pii.email"]})
	not d.allow
	fixtures.rules(d.reasons) == {"secrets.fragment"}
}
