# Personal data classes a team may not send outside the company (company rule deny_external_data_classes).
package termsgate.request

deny contains {
	"rule": "personal_data.external_provider",
	"message": concat("", ["team \"", input.principal.team, "\" may not send ", class, " to external provider \"", input.route.provider, "\""]),
} if {
	input.route.external
	some class in input.data_classes
	class in team.deny_external_data_classes
	not class in mask
}
