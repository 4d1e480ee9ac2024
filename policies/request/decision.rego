# Entrypoint termsgate/request/decision: admit or deny the call, with reasons and obligations.
package termsgate.request

reasons := [r | some r in deny]

decision := {
	"allow": count(deny) == 0,
	"reasons": reasons,
	"obligations": obligations,
}
