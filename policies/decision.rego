# Entrypoint termsgate/decision: both decisions in one evaluation, so the gateway crosses into WASM once per call.
package termsgate

decision := {
	"request": data.termsgate.request.decision,
	"training": data.termsgate.training.decision,
}
