# Distillation risk: the gateway's monitor (gateway/distillation) scores each key, project and team for the
# signature a provider reads as distillation; the caller's worst scope comes in as input.distillation.
# At high, providers whose terms forbid training on their outputs are refused until the legal team clears
# that scope (a recorded change); any risk above low is sent back as a warning header.
package termsgate.request

import data.termsgate.catalogue

# Terms that forbid training on the outputs, as the monitor counts them (restricted_volume).
distillation_restricted_classes := {"never", "not-for-competing-models"}

distillation_restricted if {
	input.route.external
	catalogue.training_class in distillation_restricted_classes
}

distillation_summary := concat("", [
	input.distillation.scope, " is ", input.distillation.level, " (score ", format_int(input.distillation.score, 10),
	"; signals: ", concat(", ", input.distillation.signals), ")",
])

deny contains {
	"rule": "distillation.high_risk",
	"message": concat("", [
		"the distillation risk of ", distillation_summary, "; the terms of ", input.route.licence,
		" forbid training on its outputs, so ", input.route.provider, " is refused until the legal team clears ",
		input.distillation.scope,
	]),
} if {
	input.distillation.level == "high"
	not input.distillation.cleared
	distillation_restricted
}

warnings contains concat("", ["distillation risk: ", distillation_summary, cleared_note]) if {
	input.distillation.level in {"medium", "high"}
}

default cleared_note := ""

cleared_note := ", cleared by the legal team" if input.distillation.cleared
