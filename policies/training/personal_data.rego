# Outputs of calls that carried personal data or secrets are kept out of training data, unless a
# company rule lets a team train on personal data (company.training.personal_data_trainable_teams).
package termsgate.training

import data.termsgate.catalogue

block contains {
	"rule": "training.personal_data",
	"message": concat("", ["the request carried personal data (", concat(", ", pii_classes), "); its output is not trainable"]),
} if {
	catalogue.personal_data
	not input.principal.team in catalogue.company.training.personal_data_trainable_teams
}

block contains {
	"rule": "training.secrets",
	"message": "the request carried secrets; its output is not trainable",
} if {
	catalogue.secrets
}

pii_classes := [c | some c in input.data_classes; startswith(c, "pii.")]
