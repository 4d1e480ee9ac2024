# Entrypoint termsgate/training/decision: may this call's output train one of the company's models,
# under which licence, with which attribution and naming duties.
package termsgate.training

import data.termsgate.catalogue

default attribution := []

attribution := catalogue.licence.attribution

default naming := []

naming := catalogue.licence.naming

permit if {
	catalogue.training_class in catalogue.trainable_classes
	count(block) == 0
}

default permit := false

reasons := [r | some r in block] if count(block) > 0

reasons := [{
	"rule": "training.licence_permits",
	"message": concat("", ["licence ", input.route.licence, " (", catalogue.training_class, ") allows training on outputs"]),
	"clause": catalogue.clause,
}] if count(block) == 0

decision := {
	"permit": permit,
	"licence": input.route.licence,
	"licence_class": catalogue.training_class,
	"attribution": attribution,
	"naming": naming,
	"reasons": reasons,
}
