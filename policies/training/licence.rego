# Licence terms: outputs train our models only under a checked catalogue entry for what was called,
# whose training class (or an allowance the legal team turned on) allows it, and whose licensee conditions
# the company meets.
package termsgate.training

import data.termsgate.catalogue

block contains {
	"rule": "training.licence_forbids",
	"message": concat("", ["licence ", catalogue.strictest, " (", catalogue.training_class, ") does not allow its outputs to train our models"]),
	"clause": catalogue.clause,
} if {
	catalogue.applies
	not catalogue.training_class in catalogue.trainable_classes
	not catalogue.allowance
}

block contains {
	"rule": "training.licensee_condition",
	"message": concat("", ["licence ", input.route.licence, " does not cover this company (", c.text, "); its outputs are not trainable"]),
	"clause": catalogue.clause_at(c.clause),
} if {
	catalogue.named_applies
	some c in catalogue.unmet_conditions
}

block contains {
	"rule": "training.licence_unknown",
	"message": concat("", ["licence \"", input.route.licence, "\" is not in the licence catalogue"]),
} if {
	not catalogue.licence
}

block contains {
	"rule": "training.licence_mismatch",
	"message": concat("", ["licence ", input.route.licence, " does not cover ", input.route.upstream_model, " as routed by \"", input.route.model, "\""]),
} if {
	catalogue.licence
	not catalogue.subject_matches
}

block contains {
	"rule": "training.licence_unverified",
	"message": concat("", ["the text of licence ", concat(", ", sort(catalogue.unverified)), " has not been checked against a published copy; its outputs are not trainable"]),
} if {
	catalogue.subject_matches
	not catalogue.verified
}
