package termsgate.training_test

import data.termsgate.fixtures
import data.termsgate.training

# A catalogue entry with the given class and restrictions, for the routed checkpoint of qwen2.5-7b-instruct.
entry(class, forbidden) := object.union(data.data.licences["qwen2.5-7b-instruct"], {
	"training": class,
	"restrictions": {"forbidden_deployment_purposes": forbidden, "use_restrictions": ["a restriction"]},
})

decide_under(e) := d if {
	d := training.decision with input as fixtures.call("qwen2.5-7b-instruct")
		with data.data.licences as {"qwen2.5-7b-instruct": e}
}

test_competing_model_terms_not_trainable if {
	every m, l in {"gpt-4o-mini": "openai-services-agreement", "gemini-2.0-flash": "gemini-api-additional-terms"} {
		d := training.decision with input as fixtures.call(m)
		d.permit == false
		d.licence == l
		d.licence_class == "not-for-competing-models"
		some r in d.reasons
		r.rule == "training.licence_forbids"
		r.clause.licence == l
	}
}

test_never_not_trainable_citing_clause if {
	d := training.decision with input as fixtures.call("claude-3-5-haiku-latest")
	d.permit == false
	d.licence_class == "never"
	some r in d.reasons
	r.rule == "training.licence_forbids"
	contains(r.clause.text, "Utilization of inputs and outputs to train an AI model")
}

test_xai_outputs_not_trainable if {
	d := training.decision with input as fixtures.call("grok-3-mini")
	d.permit == false
	d.licence_class == "never"
	fixtures.rules(d.reasons) == {"training.licence_unverified"}
}

test_unverified_free_entry_not_trainable if {
	d := training.decision with input as fixtures.call("mistral-small-latest")
	d.permit == false
	d.licence_class == "free"
	fixtures.rules(d.reasons) == {"training.licence_unverified"}
}

test_free_checkpoints_trainable_without_duties if {
	every m in ["qwen2.5-7b-instruct", "deepseek-r1", "gpt-oss-20b"] {
		d := training.decision with input as fixtures.call(m)
		d.permit == true
		d.licence == m
		d.licence_class == "free"
		d.duties == []
		d.attribution == []
		d.inherited_restrictions == {"forbidden_deployment_purposes": [], "use_restrictions": []}
		fixtures.rules(d.reasons) == {"training.licence_permits"}
	}
}

test_llama_trainable_with_duties_on_distribution if {
	every m in ["llama-3.1-8b-instruct", "llama-3.3-70b-instruct"] {
		d := training.decision with input as fixtures.call(m)
		d.permit == true
		d.licence_class == "duties-on-distribution"
		"Built with Llama" in d.attribution
		d.naming == ["Llama"]
		every duty in d.duties {
			startswith(duty.trigger, "distribution")
		}
		d.inherited_restrictions.forbidden_deployment_purposes == []
	}
}

test_qwen_72b_naming_duty_is_attribution if {
	d := training.decision with input as fixtures.call("qwen2.5-72b-instruct")
	d.permit == true
	d.licence_class == "duties-on-distribution"
	d.naming == []
	count(d.attribution) == 1
	contains(d.attribution[0], "Built with Qwen")
}

# Gemma's "Distribution" includes making a model available as a hosted service: the use restrictions and the
# licence copy bind a student served internally as a service, not only one whose weights are shared; only the
# Notice file waits for distribution of copies. The ban on automated decisions maps to a deployment purpose.
test_gemma_student_served_as_a_service_carries_the_use_restrictions if {
	d := training.decision with input as fixtures.call("gemma-3-12b-it")
	d.permit == true
	d.licence_class == "derivatives-inherit"
	triggers := {duty.kind: duty.trigger | some duty in d.duties}
	triggers == {"use-restrictions": "distribution-or-made-available", "licence-copy": "distribution-or-made-available", "notice": "distribution"}
	d.inherited_restrictions.forbidden_deployment_purposes == ["automated-legal-decisions"]
	some u in d.inherited_restrictions.use_restrictions
	contains(u, "automated decisions")
}

test_deepseek_v3_student_may_not_be_deployed_for_military_use if {
	d := training.decision with input as fixtures.call("deepseek-v3")
	d.permit == true
	d.licence_class == "derivatives-inherit"
	"military" in d.inherited_restrictions.forbidden_deployment_purposes
	not "commercial" in d.inherited_restrictions.forbidden_deployment_purposes
}

test_non_commercial_checkpoints_forbid_commercial_deployment if {
	every m in ["qwen2.5-3b-instruct", "c4ai-command-r"] {
		d := training.decision with input as fixtures.call(m)
		d.permit == true
		d.licence_class == "non-commercial"
		d.inherited_restrictions.forbidden_deployment_purposes == ["commercial"]
	}
}

# The class alone implies the restriction: a non-commercial entry that forgets to list it still forbids it.
test_non_commercial_class_implies_commercial_is_forbidden if {
	d := decide_under(entry("non-commercial", ["military"]))
	d.inherited_restrictions.forbidden_deployment_purposes == ["commercial", "military"]
}

test_restrictions_bind_only_under_inheriting_classes if {
	every class in ["free", "duties-on-distribution"] {
		d := decide_under(entry(class, ["military"]))
		d.permit == true
		d.inherited_restrictions == {"forbidden_deployment_purposes": [], "use_restrictions": []}
	}
	every class in ["not-for-competing-models", "never"] {
		not decide_under(entry(class, [])).permit
	}
}

test_pinned_revision_must_match if {
	pinned := object.union(data.data.licences["qwen2.5-7b-instruct"], {"subject": {"kind": "checkpoint", "model_id": "Qwen/Qwen2.5-7B-Instruct", "revision": "a09a35458c702b33eeacc393d103063234e8bc28"}})
	other := training.decision with input as fixtures.call("qwen2.5-7b-instruct") with data.data.licences as {"qwen2.5-7b-instruct": pinned}
	other.permit == false
	fixtures.rules(other.reasons) == {"training.licence_mismatch"}
	same := training.decision with input as fixtures.with_route("qwen2.5-7b-instruct", {"revision": "a09a35458c702b33eeacc393d103063234e8bc28"})
		with data.data.licences as {"qwen2.5-7b-instruct": pinned}
	same.permit == true
}

test_mismatched_checkpoint_carries_no_duties if {
	d := training.decision with input as fixtures.with_route("llama-3.1-8b-instruct", {"upstream_model": "meta-llama/Llama-3.2-1B-Instruct"})
	d.permit == false
	d.duties == []
	d.naming == []
	fixtures.rules(d.reasons) == {"training.licence_mismatch"}
}

test_unknown_licence_not_trainable if {
	d := training.decision with input as fixtures.with_route("deepseek-r1", {"licence": "mystery"})
	d.permit == false
	d.licence_class == "unknown"
	d.attribution == []
	d.naming == []
	fixtures.rules(d.reasons) == {"training.licence_unknown"}
}

# Data that bypassed the schema (a fleet bundle, a hand edit) still fails closed: an entry without its check,
# a legacy class name, or a model id in another case never permits training.
test_malformed_or_legacy_entries_never_permit_training if {
	unchecked := object.remove(data.data.licences["qwen2.5-7b-instruct"], ["checked"])
	not decide_under(unchecked).permit
	not decide_under(object.union(data.data.licences["qwen2.5-7b-instruct"], {"training": "yes"})).permit
	other_case := training.decision with input as fixtures.with_route("qwen2.5-7b-instruct", {"upstream_model": "qwen/qwen2.5-7b-instruct"})
	not other_case.permit
	fixtures.rules(other_case.reasons) == {"training.licence_mismatch"}
}
