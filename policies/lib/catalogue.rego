# Lookups into the data the legal team edits: the licence catalogue (data/licences.json)
# and the company rules (data/company.json).
package termsgate.catalogue

licences := data.data.licences

company := data.data.company

# The catalogue entry for the licence of the routed model; undefined when the id is unknown.
licence := licences[input.route.licence]

# The training class of the routed model's licence, "unknown" when the catalogue lacks it.
default training_class := "unknown"

training_class := licence.training

# Training classes under which outputs may train the company's models.
trainable_classes := {"yes", "yes-with-duties"}

# The clause object a reason cites, in the shape of PolicyReason.clause.
clause := {
	"licence": input.route.licence,
	"section": licence.clause.section,
	"text": licence.clause.text,
	"url": licence.terms_url,
}

has_class_prefix(prefix) if {
	some c in input.data_classes
	startswith(c, prefix)
}

personal_data if has_class_prefix("pii.")

secrets if has_class_prefix("secret.")

listed(list, _) if "*" in list

listed(list, value) if value in list
