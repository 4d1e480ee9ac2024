package termsgate.request_test

import data.termsgate.fixtures
import data.termsgate.request

test_secrets_denied_to_external_providers if {
	every m in ["gpt-4o-mini", "claude-3-5-haiku-latest"] {
		d := request.decision with input as fixtures.with_classes(m, ["pii.email", "secret.api_key"])
		not d.allow
		fixtures.rules(d.reasons) == {"secrets.external_provider"}
	}
}

test_secrets_allowed_to_self_hosted_with_digest_logging if {
	d := request.decision with input as fixtures.with_classes("llama-3.1-8b-instruct", ["secret.private_key"])
	d.allow
	d.obligations.content_logging == "digest"
	d.obligations.redactions == ["secret.private_key"]
}

test_secrets_denial_names_where_they_were if {
	input_doc := object.union(fixtures.with_classes("gpt-4o-mini", ["secret.api_key", "secret.private_key"]), {"data_class_paths": {
		"secret.api_key": ["tools[0].function.description", "metadata.owner"],
		"secret.private_key": ["messages[1].content"],
		"pii.email": ["user"],
	}})
	d := request.decision with input as input_doc
	some r in d.reasons
	r.rule == "secrets.external_provider"
	r.message == "the request carries secret.api_key, secret.private_key at messages[1].content, metadata.owner, tools[0].function.description; secrets may not be sent to external provider \"openai\""
}

test_token_ids_denied_to_external_providers if {
	input_doc := object.union(fixtures.with_classes("gpt-4o-mini", ["opaque.token_ids"]), {"data_class_paths": {"opaque.token_ids": ["input[0]", "input[1]"]}})
	d := request.decision with input as input_doc
	not d.allow
	some r in d.reasons
	r.rule == "secrets.unreadable_token_ids"
	r.message == "the request sends token ids at input[0], input[1], which cannot be checked for secrets; token ids may not be sent to external provider \"openai\""
}

test_token_ids_allowed_to_self_hosted if {
	input_doc := object.union(fixtures.with_classes("llama-3.1-8b-instruct", ["opaque.token_ids"]), {"data_class_paths": {"opaque.token_ids": ["prompt"]}})
	d := request.decision with input as input_doc
	d.allow
}

test_a_credential_fragment_is_refused_to_external_providers_by_its_own_rule if {
	input_doc := object.union(fixtures.with_classes("gpt-4o-mini", ["secret.fragment"]), {"data_class_paths": {"secret.fragment": ["messages[0].content"]}})
	d := request.decision with input as input_doc
	not d.allow
	fixtures.rules(d.reasons) == {"secrets.fragment"}
	some r in d.reasons
	r.message == "the request carries part of a credential at messages[0].content; secrets may not be sent to external provider \"openai\""
}

test_a_credential_fragment_is_allowed_to_self_hosted if {
	d := request.decision with input as fixtures.with_classes("llama-3.1-8b-instruct", ["secret.fragment"])
	d.allow
}
