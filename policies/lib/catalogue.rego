# Lookups into the data the legal team edits: the licence catalogue (data/licences.json)
# and the company rules (data/company.json).
package termsgate.catalogue

licences := data.data.licences

company := data.data.company

# The catalogue entry for the licence of the routed model; undefined when the id is unknown.
licence := licences[input.route.licence]

# A cloud's own terms (entries that cover a provider kind: Azure OpenAI, Amazon Bedrock) bind every call through
# a provider of that kind, besides the entry the model names (on Bedrock, the model vendor's licence).
cloud_terms contains id if {
	input.route.external
	some id, e in licences
	e.subject.provider_kind == input.route.provider_kind
}

# The entries that bind this call: the one the route names, and its cloud's terms.
bound contains input.route.licence if licence

bound contains id if some id in cloud_terms

# The same, the named entry first (the order duties are listed in).
bound_ordered := array.concat([input.route.licence], sort([id | some id in cloud_terms; id != input.route.licence]))

# Stricter classes rank higher; of the bound entries, the strictest decides.
class_rank := {"free": 0, "duties-on-distribution": 1, "derivatives-inherit": 2, "non-commercial": 3, "not-for-competing-models": 4, "never": 5}

strictest_rank := max({rank(licences[id].training) | some id in bound})

# A class the table does not know (data that bypassed the schema) ranks above every known one.
rank(class) := object.get(class_rank, class, 6)

# The bound entry whose class decides (the named one when it ties), so its clause is the one a reason cites.
strictest := input.route.licence if rank(licence.training) == strictest_rank

strictest := sort([id | some id in bound; rank(licences[id].training) == strictest_rank])[0] if {
	rank(licence.training) != strictest_rank
}

# The training class of the routed model's licence (the strictest of the entries that bind the call),
# "unknown" when the catalogue lacks it.
default training_class := "unknown"

training_class := licences[strictest].training

# Training classes under which outputs may train the company's models. Under derivatives-inherit and
# non-commercial the student carries the licence's use restrictions (inherited_restrictions).
trainable_classes := {"free", "duties-on-distribution", "derivatives-inherit", "non-commercial"}

# Classes whose use restrictions bind a model trained on the outputs.
inheriting_classes := {"derivatives-inherit", "non-commercial"}

# The entry's quotes were checked against a published text; an entry whose text was not found
# never permits training, whatever its class.
verified if {
	licence
	count(unverified) == 0
}

# The bound entries whose text was not found.
unverified contains id if {
	some id in bound
	not entry_verified(licences[id])
}

entry_verified(e) if {
	e.checked.how != "not-found"
	count(e.clauses) > 0
}

# The entry covers what this route calls: a provider's API terms apply to the external provider of that
# name (so one vendor's terms cannot stand in for another's), a cloud's terms to every external provider of
# its kind; a checkpoint's licence applies only to that model id (or the id a cloud serves it under), at its
# pinned revision unless it is "unpinned".
subject_matches if {
	licence.subject.kind == "provider-api"
	not licence.subject.provider_kind
	licence.subject.provider == input.route.provider
	input.route.external
}

subject_matches if {
	licence.subject.kind == "provider-api"
	licence.subject.provider_kind == input.route.provider_kind
	input.route.external
}

subject_matches if {
	licence.subject.kind == "checkpoint"
	input.route.upstream_model in model_ids
	revision_matches
}

# The repository ids a checkpoint entry covers: its model_id and its aliases (e.g. after a rename).
model_ids contains licence.subject.model_id

model_ids contains id if some id in licence.subject.aliases

model_ids contains id if some id in licence.subject.hosted[input.route.provider_kind]

revision_matches if licence.subject.revision == "unpinned"

# Either side may give the commit abbreviated (7 or more hex digits).
revision_matches if {
	count(input.route.revision) >= 7
	startswith(input.route.revision, licence.subject.revision)
}

revision_matches if {
	count(input.route.revision) >= 7
	startswith(licence.subject.revision, input.route.revision)
}

# The entry applies to this call and its quotes were checked: its class decides.
applies if {
	subject_matches
	verified
}

# The entry the route names applies, whatever the cloud's terms say: its licensee conditions hold on any provider.
named_applies if {
	subject_matches
	entry_verified(licence)
}

# The entry's licensee conditions the company does not meet: it is outside the licence altogether (a region
# the licence grants nothing in; more monthly active users than a threshold), unless company.licensee records a
# separate licence from the vendor for this entry.
unmet_conditions contains c if {
	some c in licence.licensee_conditions
	c.kind == "excluded-region"
	some region in c.regions
	region in company.licensee.regions
	not separately_licensed
}

unmet_conditions contains c if {
	some c in licence.licensee_conditions
	c.kind == "user-threshold"
	company.licensee.monthly_active_users > c.monthly_active_users
	not separately_licensed
}

separately_licensed if input.route.licence in company.licensee.separate_licences

# The clause a licensee condition or an allowance rests on, in the shape of PolicyReason.clause.
clause_at(i) := {
	"licence": input.route.licence,
	"section": licence.clauses[i].section,
	"text": licence.clauses[i].text,
	"url": licence.url,
}

# Allowances of this entry the legal team has turned on (company.training.allowances) that cover the call's purpose,
# when this entry is the one that decides.
allowed_by contains name if {
	strictest == input.route.licence # a cloud's stricter terms are not lifted by the vendor's allowance
	some name, a in licence.allowances
	concat("/", [input.route.licence, name]) in object.get(company.training, "allowances", [])
	input.purpose in a.purposes
}

allowance_name := sort(allowed_by)[0]

allowance := licence.allowances[allowance_name]

# Purposes whose outputs are produced to train or distil the company's models.
default training_purposes := ["training-data"]

training_purposes := company.training.purposes

training_purpose if input.purpose in training_purposes

# The clause object a reason cites, in the shape of PolicyReason.clause: the deciding entry's first quote.
clause := {
	"licence": strictest,
	"section": licences[strictest].clauses[0].section,
	"text": licences[strictest].clauses[0].text,
	"url": licences[strictest].url,
}

has_class_prefix(prefix) if {
	some c in input.data_classes
	startswith(c, prefix)
}

personal_data if has_class_prefix("pii.")

secrets if has_class_prefix("secret.")

listed(list, _) if "*" in list

listed(list, value) if value in list
