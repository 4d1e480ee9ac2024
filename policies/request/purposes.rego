# The declared purpose must be one the company knows, one the virtual key allows, and one the team may pursue.
package termsgate.request

import data.termsgate.catalogue

deny contains {
	"rule": "purpose.unknown",
	"message": concat("", ["purpose \"", input.purpose, "\" is not one of the company's purposes"]),
} if {
	not catalogue.company.purposes[input.purpose]
}

deny contains {
	"rule": "purpose.not_allowed_for_key",
	"message": concat("", ["this key may only be used for ", concat(", ", input.principal.allowed_purposes), ", not \"", input.purpose, "\""]),
} if {
	not input.purpose in input.principal.allowed_purposes
}

deny contains {
	"rule": "purpose.not_allowed_for_team",
	"message": concat("", ["team \"", input.principal.team, "\" may not use models for purpose \"", input.purpose, "\""]),
} if {
	not catalogue.listed(team.purposes, input.purpose)
}
