package termsgate.training_test

import data.termsgate.fixtures
import data.termsgate.training

test_mistral_large_outputs_never_trainable if {
	d := training.decision with input as fixtures.call("mistral-large-instruct-2407")
	d.permit == false
	d.licence_class == "never"
	some r in d.reasons
	r.rule == "training.licence_forbids"
	r.clause.section == "3.2 Usage Limitation"
}

test_qwen_72b_student_over_the_user_threshold_not_trainable if {
	d := training.decision with input as fixtures.call("qwen2.5-72b-instruct")
		with data.data.company.licensee.monthly_active_users as 150000000
	d.permit == false
	some r in d.reasons
	r.rule == "training.licensee_condition"
	r.clause.section == "4. Restrictions"
}

test_llama_4_outputs_not_trainable_for_a_company_in_the_eu if {
	d := training.decision with input as fixtures.call("llama-4-scout")
		with data.data.company.licensee.regions as ["EU"]
	d.permit == false
	fixtures.rules(d.reasons) == {"training.licensee_condition"}
}

test_r1_distill_llama_students_carry_the_llama_duties if {
	every m in ["deepseek-r1-distill-llama-8b", "deepseek-r1-distill-llama-70b"] {
		d := training.decision with input as fixtures.call(m)
		d.permit == true
		d.licence_class == "duties-on-distribution"
		d.naming == ["Llama"]
		"Built with Llama" in d.attribution
	}
}

test_command_r_student_must_pass_the_restrictions_on if {
	d := training.decision with input as fixtures.call("c4ai-command-r")
	some duty in d.duties
	duty.kind == "use-restrictions"
	duty.trigger == "distribution-or-made-available"
	d.inherited_restrictions.forbidden_deployment_purposes == ["commercial"]
}

# Under OpenAI's Permitted Exception the output trains a model that is never distributed to third parties,
# and the feed record says so.
test_permitted_exception_output_trainable_with_its_limits if {
	inp := fixtures.keyed_purpose("gpt-4o-mini", "classifier-training")
	d := training.decision with input as inp
		with data.data.company.training.allowances as ["openai-services-agreement/permitted-exception"]
	d.permit == true
	d.licence_class == "not-for-competing-models"
	d.inherited_restrictions.forbidden_deployment_purposes == ["third-party-distribution"]
	fixtures.rules(d.reasons) == {"training.allowance_permits"}
	some r in d.reasons
	r.clause.section == "Definitions, “Permitted Exception”"
	off := training.decision with input as inp
	off.permit == false
}
