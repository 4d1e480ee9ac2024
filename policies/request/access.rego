# Which teams may use which providers and models (data.data.company.teams).
package termsgate.request

import data.termsgate.catalogue

team := catalogue.company.teams[input.principal.team]

deny contains {
	"rule": "access.team_unknown",
	"message": concat("", ["team \"", input.principal.team, "\" has no entry in the company rules"]),
} if {
	not catalogue.company.teams[input.principal.team]
}

deny contains {
	"rule": "access.provider_not_allowed",
	"message": concat("", ["team \"", input.principal.team, "\" may not use provider \"", input.route.provider, "\""]),
} if {
	not catalogue.listed(team.providers, input.route.provider)
}

deny contains {
	"rule": "access.model_not_allowed",
	"message": concat("", ["team \"", input.principal.team, "\" may not use model \"", input.route.model, "\""]),
} if {
	not catalogue.listed(team.models, input.route.model)
}
