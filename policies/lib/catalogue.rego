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

# Training classes under which outputs may train the company's models. Under derivatives-inherit and
# non-commercial the student carries the licence's use restrictions (inherited_restrictions).
trainable_classes := {"free", "duties-on-distribution", "derivatives-inherit", "non-commercial"}

# Classes whose use restrictions bind a model trained on the outputs.
inheriting_classes := {"derivatives-inherit", "non-commercial"}

# The entry's quotes were checked against a published text; an entry whose text was not found
# never permits training, whatever its class.
verified if {
	licence.checked.how != "not-found"
	count(licence.clauses) > 0
}

# The entry covers what this route calls: a provider's API terms apply to the external provider of that
# name (so one vendor's terms cannot stand in for another's); a checkpoint's licence applies only to that
# model id, at its pinned revision unless it is "unpinned".
subject_matches if {
	licence.subject.kind == "provider-api"
	licence.subject.provider == input.route.provider
	input.route.external
}

subject_matches if {
	licence.subject.kind == "checkpoint"
	licence.subject.model_id == input.route.upstream_model
	revision_matches
}

revision_matches if licence.subject.revision == "unpinned"

revision_matches if licence.subject.revision == input.route.revision

# The entry applies to this call and its quotes were checked: its class decides.
applies if {
	subject_matches
	verified
}

# Purposes whose outputs are produced to train or distil the company's models.
default training_purposes := ["training-data"]

training_purposes := company.training.purposes

training_purpose if input.purpose in training_purposes

# The clause object a reason cites, in the shape of PolicyReason.clause: the entry's first quote.
clause := {
	"licence": input.route.licence,
	"section": licence.clauses[0].section,
	"text": licence.clauses[0].text,
	"url": licence.url,
}

has_class_prefix(prefix) if {
	some c in input.data_classes
	startswith(c, prefix)
}

personal_data if has_class_prefix("pii.")

secrets if has_class_prefix("secret.")

listed(list, _) if "*" in list

listed(list, value) if value in list
