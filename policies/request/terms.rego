# Provider terms of service: a call whose declared purpose is producing training data is refused when the
# model's terms forbid training on its outputs, citing the clause.
package termsgate.request

import data.termsgate.catalogue

deny contains {
	"rule": "terms.training_forbidden",
	"message": concat("", ["the terms of ", input.route.licence, " (", catalogue.training_class, ") do not allow its outputs to train our models; purpose \"", input.purpose, "\" is refused"]),
	"clause": catalogue.clause,
} if {
	input.purpose == "training-data"
	not catalogue.training_class in catalogue.trainable_classes
	catalogue.licence
}

deny contains {
	"rule": "terms.licence_unknown",
	"message": concat("", ["licence \"", input.route.licence, "\" of model \"", input.route.model, "\" is not in the licence catalogue; purpose \"", input.purpose, "\" is refused"]),
} if {
	input.purpose == "training-data"
	not catalogue.licence
}
