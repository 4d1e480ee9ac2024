# Licence terms: outputs train our models only under licences that allow it.
package termsgate.training

import data.termsgate.catalogue

block contains {
	"rule": "training.licence_forbids",
	"message": concat("", ["licence ", input.route.licence, " (", catalogue.training_class, ") does not allow its outputs to train our models"]),
	"clause": catalogue.clause,
} if {
	catalogue.licence
	not catalogue.training_class in catalogue.trainable_classes
}

block contains {
	"rule": "training.licence_unknown",
	"message": concat("", ["licence \"", input.route.licence, "\" is not in the licence catalogue"]),
} if {
	not catalogue.licence
}
