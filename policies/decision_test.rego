package termsgate_test

import data.termsgate
import data.termsgate.fixtures

test_combined_decision_carries_both_entrypoints if {
	d := termsgate.decision with input as fixtures.with_purpose("gpt-4o-mini", "training-data")
	d.request.allow == false
	d.training.permit == false
	d.training.licence == "openai-services-agreement"
}
