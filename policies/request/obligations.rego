# What the gateway must do with an admitted call: watermark the output, and how much of the content to log.
package termsgate.request

import data.termsgate.catalogue

default watermark := false

watermark if {
	catalogue.company.obligations.watermark
	not input.endpoint in catalogue.company.obligations.watermark_exempt_endpoints
}

# Secrets are never logged, not even redacted: only a digest of the content is kept.
content_logging := "digest" if {
	catalogue.secrets
} else := "redacted" if {
	catalogue.personal_data
} else := catalogue.company.obligations.content_logging

redactions := [c |
	some c in input.data_classes
	sensitive(c)
]

sensitive(c) if startswith(c, "pii.")

sensitive(c) if startswith(c, "secret.")

base_obligations := {
	"watermark": watermark,
	"content_logging": content_logging,
	"redactions": redactions,
	"mask": mask,
}

# Warnings (distillation.rego) are sent as a header; an answer with none carries no warnings key.
obligations := object.union(base_obligations, {"warnings": sort([w | some w in warnings])}) if {
	count(warnings) > 0
} else := base_obligations
