# Credentials never leave the company: a request carrying secrets is refused for every external provider.
# The denial says where in the forwarded body each secret was found, never the secret itself.
package termsgate.request

deny contains {
	"rule": "secrets.external_provider",
	"message": concat("", [
		"the request carries ", concat(", ", secret_classes),
		secret_places,
		"; secrets may not be sent to external provider \"", input.route.provider, "\"",
	]),
} if {
	input.route.external
	count(secret_classes) > 0
}

# Secrets the gateway masks (masking.rego) never reach the provider, so they are no grounds for refusal.
secret_classes := [c |
	some c in input.data_classes
	startswith(c, "secret.")
	c != "secret.fragment"
	not c in mask
]

secret_paths := sort({p | some c in secret_classes; some p in input.data_class_paths[c]})

default secret_places := ""

secret_places := concat("", [" at ", concat(", ", secret_paths)]) if count(secret_paths) > 0

# Token ids in place of text (completions `prompt`, embeddings `input`) cannot be read for secrets: they
# could spell anything, so they go to self-hosted models only.
deny contains {
	"rule": "secrets.unreadable_token_ids",
	"message": concat("", [
		"the request sends token ids at ", concat(", ", sort(input.data_class_paths["opaque.token_ids"])),
		", which cannot be checked for secrets; token ids may not be sent to external provider \"", input.route.provider, "\"",
	]),
} if {
	input.route.external
	"opaque.token_ids" in input.data_classes
}

# A known credential prefix with a body too short to be the whole key (AKIA plus a few characters, ghp_…,
# sk-…, armour opened and never closed) is a piece of a credential: refused like a whole one, unless masked.
deny contains {
	"rule": "secrets.fragment",
	"message": concat("", [
		"the request carries part of a credential",
		fragment_places,
		"; secrets may not be sent to external provider \"", input.route.provider, "\"",
	]),
} if {
	input.route.external
	"secret.fragment" in input.data_classes
	not "secret.fragment" in mask
}

default fragment_places := ""

fragment_places := concat("", [" at ", concat(", ", sort(input.data_class_paths["secret.fragment"]))]) if count(input.data_class_paths["secret.fragment"]) > 0
