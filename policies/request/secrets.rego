# Credentials never leave the company: a request carrying secrets is refused for every external provider.
package termsgate.request

import data.termsgate.catalogue

deny contains {
	"rule": "secrets.external_provider",
	"message": concat("", ["the request carries ", concat(", ", secret_classes), "; secrets may not be sent to external provider \"", input.route.provider, "\""]),
} if {
	input.route.external
	catalogue.secrets
}

secret_classes := [c | some c in input.data_classes; startswith(c, "secret.")]
