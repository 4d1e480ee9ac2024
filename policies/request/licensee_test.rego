package termsgate.request_test

import data.termsgate.fixtures
import data.termsgate.request

# Qwen2.5-72B's section 4 applies whenever the company passes 100 million monthly active users (not only at
# the release date, as Llama's does): above it every call is refused, citing the clause, until a licence
# from Alibaba Cloud is recorded.
test_qwen_72b_over_the_user_threshold_needs_the_licence if {
	every purpose in ["general", "training-data"] {
		d := request.decision with input as fixtures.with_purpose("qwen2.5-72b-instruct", purpose)
			with data.data.company.licensee.monthly_active_users as 100000001
		not d.allow
		some r in d.reasons
		r.rule == "terms.licensee_condition"
		r.clause.section == "4. Restrictions"
		contains(r.clause.text, "more than 100 million monthly active users")
	}
}

test_qwen_72b_at_the_user_threshold_is_covered if {
	request.decision.allow with input as fixtures.with_purpose("qwen2.5-72b-instruct", "training-data")
		with data.data.company.licensee.monthly_active_users as 100000000
}

test_qwen_72b_over_the_user_threshold_with_a_recorded_licence_is_covered if {
	request.decision.allow with input as fixtures.with_purpose("qwen2.5-72b-instruct", "training-data")
		with data.data.company.licensee.monthly_active_users as 500000000
		with data.data.company.licensee.separate_licences as ["qwen2.5-72b-instruct"]
}

# Other entries carry no threshold: the user count alone refuses nothing else.
test_user_count_refuses_only_entries_with_a_threshold if {
	request.decision.allow with input as fixtures.with_purpose("llama-3.1-8b-instruct", "training-data")
		with data.data.company.licensee.monthly_active_users as 500000000
}

# Llama 4's multimodal models grant no rights to a company based in the EU: every call is refused.
test_llama_4_refused_to_a_company_based_in_the_eu if {
	d := request.decision with input as fixtures.call("llama-4-scout")
		with data.data.company.licensee.regions as ["EU"]
	not d.allow
	some r in d.reasons
	r.rule == "terms.licensee_condition"
	contains(r.clause.text, "principal place of business in, the European Union")
}

test_llama_4_served_to_a_company_outside_the_eu if {
	request.decision.allow with input as fixtures.call("llama-4-scout")
		with data.data.company.licensee.regions as ["US"]
}

test_llama_4_in_the_eu_with_a_licence_from_meta if {
	request.decision.allow with input as fixtures.call("llama-4-scout")
		with data.data.company.licensee.regions as ["EU"]
		with data.data.company.licensee.separate_licences as ["llama-4-scout-17b-16e-instruct"]
}

# Mistral Large 2407's research licence excludes a company's work from the start: a teacher is refused.
test_mistral_large_teacher_refused_for_training if {
	every purpose in ["training-data", "distillation"] {
		d := request.decision with input as fixtures.keyed_purpose("mistral-large-instruct-2407", purpose)
		not d.allow
		some r in d.reasons
		r.rule == "terms.training_forbidden"
		r.clause.section == "3.2 Usage Limitation"
	}
}

# Cohere's repository moved from CohereForAI/ to CohereLabs/: both ids are the same checkpoint, any other is not.
test_command_r_recognised_under_both_repository_ids if {
	every id in ["CohereLabs/c4ai-command-r-v01", "CohereForAI/c4ai-command-r-v01"] {
		request.decision.allow with input as object.union(fixtures.with_route("c4ai-command-r", {"upstream_model": id}), {"purpose": "training-data"})
	}
	d := request.decision with input as object.union(fixtures.with_route("c4ai-command-r", {"upstream_model": "CohereLabs/c4ai-command-r-plus"}), {"purpose": "training-data"})
	fixtures.rules(d.reasons) == {"terms.licence_mismatch"}
}

# A pinned entry covers the served revision when either gives the commit abbreviated; another revision, or
# none, is a mismatch.
test_pinned_revision_matches_abbreviated_commits_only if {
	every rev in ["347606f5a6be8834d71d1321440b180e14fb19b0", "347606f"] {
		request.decision.allow with input as object.union(fixtures.with_route("qwen2.5-72b-instruct", {"revision": rev}), {"purpose": "training-data"})
	}
	every rev in ["", "347606", "447606f5a6be8834d71d1321440b180e14fb19b0"] {
		d := request.decision with input as object.union(fixtures.with_route("qwen2.5-72b-instruct", {"revision": rev}), {"purpose": "training-data"})
		fixtures.rules(d.reasons) == {"terms.licence_mismatch"}
	}
	request.decision.allow with input as object.union(fixtures.with_route("gpt-oss-20b", {"revision": "6cee5e8d0000000000000000000000000000abcd"}), {"purpose": "training-data"})
}
