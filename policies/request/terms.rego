# Provider terms and model licences: a call made to produce training data (a purpose listed in
# company.training.purposes) is refused unless a checked catalogue entry for what is called allows
# training on its outputs; the refusal cites the clause when there is one.
package termsgate.request

import data.termsgate.catalogue

deny contains {
	"rule": "terms.training_forbidden",
	"message": concat("", ["the terms of ", input.route.licence, " (", catalogue.training_class, ") do not allow its outputs to train our models; purpose \"", input.purpose, "\" is refused"]),
	"clause": catalogue.clause,
} if {
	catalogue.training_purpose
	catalogue.applies
	not catalogue.training_class in catalogue.trainable_classes
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
	"message": concat("", ["the text of licence ", input.route.licence, " has not been checked against a published copy; purpose \"", input.purpose, "\" is refused"]),
} if {
	catalogue.training_purpose
	catalogue.subject_matches
	not catalogue.verified
}
