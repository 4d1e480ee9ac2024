package termsgate.request_test

import data.termsgate.fixtures
import data.termsgate.request

permitted_exception := ["openai-services-agreement/permitted-exception"]

# OpenAI's Permitted Exception is off until the legal team turns it on.
test_permitted_exception_off_by_default if {
	every purpose in ["classifier-training", "provider-fine-tuning"] {
		d := request.decision with input as fixtures.keyed_purpose("gpt-4o-mini", purpose)
		not d.allow
		fixtures.rules(d.reasons) == {"terms.training_forbidden"}
	}
}

# Turned on, it admits only the purposes it covers, only under the Services Agreement.
test_permitted_exception_admits_only_its_purposes if {
	every purpose in ["classifier-training", "provider-fine-tuning"] {
		request.decision.allow with input as fixtures.keyed_purpose("gpt-4o-mini", purpose)
			with data.data.company.training.allowances as permitted_exception
	}
	every purpose in ["training-data", "distillation"] {
		d := request.decision with input as fixtures.keyed_purpose("gpt-4o-mini", purpose)
			with data.data.company.training.allowances as permitted_exception
		fixtures.rules(d.reasons) == {"terms.training_forbidden"}
	}
	d := request.decision with input as fixtures.keyed_purpose("claude-3-5-haiku-latest", "classifier-training")
		with data.data.company.training.allowances as permitted_exception
	fixtures.rules(d.reasons) == {"terms.training_forbidden"}
}

test_permitted_exception_not_under_the_consumer_terms if {
	inp := object.union(fixtures.with_route("gpt-4o-mini", {"licence": "openai-terms-of-use"}), {"purpose": "classifier-training", "principal": object.union(fixtures.principal, {"allowed_purposes": ["classifier-training"]})})
	d := request.decision with input as inp
		with data.data.company.training.allowances as ["openai-terms-of-use/permitted-exception", "openai-services-agreement/permitted-exception"]
	fixtures.rules(d.reasons) == {"terms.training_forbidden"}
}
