# Provider terms and model licences: a call made to produce training data (a purpose listed in
# company.training.purposes) is refused unless a checked catalogue entry for what is called allows
# training on its outputs, or an allowance of it the legal team turned on covers the purpose; the refusal
# cites the clause when there is one. A licence whose licensee conditions the company fails refuses every call.
package termsgate.request

import data.termsgate.catalogue

deny contains {
	"rule": "terms.training_forbidden",
	"message": concat("", ["the terms of ", catalogue.strictest, " (", catalogue.training_class, ") do not allow its outputs to train our models; purpose \"", input.purpose, "\" is refused"]),
	"clause": catalogue.clause,
} if {
	catalogue.training_purpose
	catalogue.applies
	not catalogue.training_class in catalogue.trainable_classes
	not catalogue.allowance
}

# A licence that does not cover this company at all (its region, its number of users) refuses every call.
deny contains {
	"rule": "terms.licensee_condition",
	"message": concat("", ["licence ", input.route.licence, " does not cover this company (", c.text, "); model \"", input.route.model, "\" is refused"]),
	"clause": catalogue.clause_at(c.clause),
} if {
	catalogue.named_applies
	some c in catalogue.unmet_conditions
}

deny contains {
	"rule": "terms.licence_unknown",
	"message": concat("", ["licence \"", input.route.licence, "\" of model \"", input.route.model, "\" is not in the licence catalogue; purpose \"", input.purpose, "\" is refused"]),
} if {
	catalogue.training_purpose
	not catalogue.licence
}

deny contains {
	"rule": "terms.licence_mismatch",
	"message": concat("", ["licence ", input.route.licence, " does not cover ", input.route.upstream_model, " as routed by \"", input.route.model, "\"; purpose \"", input.purpose, "\" is refused"]),
} if {
	catalogue.training_purpose
	catalogue.licence
	not catalogue.subject_matches
}

deny contains {
	"rule": "terms.licence_unverified",
	"message": concat("", ["the text of licence ", concat(", ", sort(catalogue.unverified)), " has not been checked against a published copy; purpose \"", input.purpose, "\" is refused"]),
} if {
	catalogue.training_purpose
	catalogue.subject_matches
	not catalogue.verified
}
