# Clouds that resell models (Azure OpenAI, Amazon Bedrock): the cloud's own entry covers every provider of its
# kind whatever its name, and binds every call through one besides the vendor licence the model names; the
# stricter class wins, and an unverified entry among them keeps the output out of training.
package termsgate.training_test

import data.termsgate.fixtures
import data.termsgate.request
import data.termsgate.training

# The AWS entry as if the legal team had quoted the Bedrock section, with the given class (a fixture, not data).
aws_quoted(class) := object.union(data.data.licences["aws-bedrock-service-terms"], {
	"clauses": [{"section": "50.x", "text": "fixture clause"}],
	"checked": {"on": "2026-12-04", "how": "archived-copy", "source": "fixture"},
	"training": class,
})

under_aws(class) := object.union(data.data.licences, {"aws-bedrock-service-terms": aws_quoted(class)})

test_azure_terms_cover_any_provider_of_the_kind_but_are_unverified if {
	d := training.decision with input as fixtures.with_route("gpt-4o-azure", {"provider": "contoso-eastus"})
	not d.permit
	d.licence_class == "never"
	fixtures.rules(d.reasons) == {"training.licence_unverified"}
	some r in d.reasons
	contains(r.message, "azure-openai-product-terms")
}

test_azure_training_data_call_refused_general_call_allowed if {
	refused := request.decision with input as object.union(fixtures.call("gpt-4o-azure"), {"purpose": "training-data"})
	not refused.allow
	fixtures.rules(refused.reasons) == {"terms.licence_unverified"}
	request.decision.allow with input as fixtures.call("gpt-4o-azure")
}

# OpenAI's terms name the provider openai only: on Azure they are a mismatch, as before.
test_openai_terms_on_azure_stay_a_mismatch if {
	d := training.decision with input as fixtures.with_route("gpt-4o-azure", {"licence": "openai-services-agreement"})
	fixtures.rules(d.reasons) == {"training.licence_mismatch"}
}

# A cloud's entry matches by kind only: a provider merely named after the cloud's vendor is not covered.
test_cloud_terms_do_not_match_by_provider_name if {
	d := training.decision with input as fixtures.with_route("gpt-4o-mini", {"provider": "microsoft", "licence": "azure-openai-product-terms"})
	fixtures.rules(d.reasons) == {"training.licence_mismatch"}
	e := training.decision with input as fixtures.with_route("gpt-4o-azure", {"external": false})
	fixtures.rules(e.reasons) == {"training.licence_mismatch"}
}

test_bedrock_llama_is_covered_by_its_licence_but_aws_terms_are_unverified if {
	d := training.decision with input as fixtures.call("llama-3.1-8b-bedrock")
	not d.permit
	d.licence == "llama-3.1-8b-instruct"
	d.licence_class == "never"
	fixtures.rules(d.reasons) == {"training.licence_unverified"}
	some r in d.reasons
	contains(r.message, "the text of licence aws-bedrock-service-terms has not been checked")
	count(d.duties) > 0
}

# Bedrock's ids belong to Bedrock: the same id served by a self-hosted server is not the checkpoint's.
test_bedrock_ids_cover_only_bedrock_routes if {
	d := training.decision with input as fixtures.with_route("llama-3.1-8b-instruct", {"upstream_model": "meta.llama3-1-8b-instruct-v1:0"})
	fixtures.rules(d.reasons) == {"training.licence_mismatch"}
}

test_bedrock_stricter_class_wins if {
	lenient := training.decision with input as fixtures.call("llama-3.1-8b-bedrock") with data.data.licences as under_aws("free")
	lenient.permit
	lenient.licence_class == "duties-on-distribution"
	count(lenient.naming) == 1
	strict := training.decision with input as fixtures.call("llama-3.1-8b-bedrock") with data.data.licences as under_aws("not-for-competing-models")
	not strict.permit
	strict.licence_class == "not-for-competing-models"
	fixtures.rules(strict.reasons) == {"training.licence_forbids"}
	some r in strict.reasons
	r.clause.licence == "aws-bedrock-service-terms"
	refused := request.decision with input as object.union(fixtures.call("llama-3.1-8b-bedrock"), {"purpose": "training-data"})
		with data.data.licences as under_aws("not-for-competing-models")
	fixtures.rules(refused.reasons) == {"terms.training_forbidden"}
}

# Llama 4's excluded region follows the checkpoint onto Bedrock: every call refused, citing Meta's clause.
test_bedrock_llama_4_refused_to_a_company_based_in_the_eu if {
	d := request.decision with input as fixtures.call("llama-4-scout-bedrock")
		with data.data.company.licensee.regions as ["EU"]
	not d.allow
	fixtures.rules(d.reasons) == {"terms.licensee_condition"}
	some r in d.reasons
	r.clause.licence == "llama-4-scout-17b-16e-instruct"
}
