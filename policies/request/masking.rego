# Masking instead of refusing: the data classes a team lists under mask_data_classes are replaced in the
# forwarded body by typed placeholders ([AWS_ACCESS_KEY_1]) and the call goes ahead. Masked classes
# are not grounds for refusal (secrets.rego, personal_data.rego).
package termsgate.request

mask := sort([c | some c in input.data_classes; c in team.mask_data_classes])
