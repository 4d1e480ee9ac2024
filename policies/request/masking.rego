# Masking instead of refusing: the data classes a team lists under mask_data_classes are replaced in the
# forwarded body by typed placeholders ([AWS_ACCESS_KEY_1]) and the call goes ahead. Masked classes
# are not grounds for refusal (secrets.rego, personal_data.rego).
package termsgate.request

mask := sort([c | some c in input.data_classes; masked_class(c)])

masked_class(c) if c in team.mask_data_classes

# A piece of a credential (secret.fragment) is masked wherever the team masks some class of secret: a
# team that masks keys masks their halves too.
masked_class("secret.fragment") if {
	some listed in team.mask_data_classes
	startswith(listed, "secret.")
}
