# Entrypoint termsgate/training/decision: may this call's output train one of the company's models,
# under which licence, with which duties (recorded for the model card; they bind on distribution, not
# at call time) and which use restrictions the student inherits.
package termsgate.training

import data.termsgate.catalogue

default duties := []

duties := [d | some id in catalogue.bound_ordered; some d in catalogue.licences[id].duties] if catalogue.subject_matches

attribution := [d.text | some d in duties; d.kind != "naming"]

naming := [d.prefix | some d in duties; d.kind == "naming"]

# A non-commercial licence forbids commercial deployment whatever the entry lists.
default implied_forbidden := set()

implied_forbidden := {"commercial"} if catalogue.training_class == "non-commercial"

default inherited_restrictions := {"forbidden_deployment_purposes": [], "use_restrictions": []}

inherited_restrictions := {
	"forbidden_deployment_purposes": sort({p | some p in catalogue.licence.restrictions.forbidden_deployment_purposes} | implied_forbidden),
	"use_restrictions": catalogue.licence.restrictions.use_restrictions,
} if {
	catalogue.subject_matches
	catalogue.training_class in catalogue.inheriting_classes
}

# Under an allowance the student inherits the allowance's limits (e.g. never distributed to third parties).
inherited_restrictions := catalogue.allowance.restrictions if {
	catalogue.subject_matches
	not catalogue.training_class in catalogue.inheriting_classes
}

permit if {
	catalogue.training_class in catalogue.trainable_classes
	count(block) == 0
}

permit if {
	catalogue.allowance
	count(block) == 0
}

default permit := false

reasons := [r | some r in block] if count(block) > 0

reasons := [{
	"rule": "training.licence_permits",
	"message": concat("", ["licence ", input.route.licence, " (", catalogue.training_class, ") allows training on outputs"]),
	"clause": catalogue.clause,
}] if {
	count(block) == 0
	not catalogue.allowance
}

reasons := [{
	"rule": "training.allowance_permits",
	"message": concat("", ["allowance ", catalogue.allowance_name, " of licence ", input.route.licence, " (turned on by the legal team) allows training on outputs for purpose \"", input.purpose, "\": ", catalogue.allowance.text]),
	"clause": catalogue.clause_at(catalogue.allowance.clause),
}] if {
	count(block) == 0
	catalogue.allowance
}

decision := {
	"permit": permit,
	"licence": input.route.licence,
	"licence_class": catalogue.training_class,
	"attribution": attribution,
	"naming": naming,
	"duties": duties,
	"inherited_restrictions": inherited_restrictions,
	"reasons": reasons,
}
