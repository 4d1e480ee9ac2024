package termsgate.request_test

import data.termsgate.fixtures
import data.termsgate.request

test_demo_team_may_use_every_model if {
	every m, _ in fixtures.routes {
		request.decision.allow with input as fixtures.call(m)
	}
}

test_unknown_team_denied if {
	d := request.decision with input as fixtures.with_team("gpt-4o-mini", "nobody", "general")
	not d.allow
	"access.team_unknown" in fixtures.rules(d.reasons)
}

test_restricted_team_provider_denied if {
	d := request.decision with input as fixtures.with_team("gpt-4o-mini", "support-contractors", "support")
	not d.allow
	fixtures.rules(d.reasons) == {"access.provider_not_allowed", "access.model_not_allowed"}
}

test_restricted_team_model_denied if {
	d := request.decision with input as fixtures.with_team("deepseek-r1", "support-contractors", "support")
	not d.allow
	fixtures.rules(d.reasons) == {"access.model_not_allowed"}
}

test_restricted_team_allowed_model if {
	d := request.decision with input as fixtures.with_team("claude-3-5-haiku-latest", "support-contractors", "support")
	d.allow
	d.reasons == []
}
