package termsgate.training_test

import data.termsgate.fixtures
import data.termsgate.training

test_openai_and_anthropic_outputs_not_trainable if {
	every m, l in {"gpt-4o-mini": "openai-terms", "claude-3-5-haiku-latest": "anthropic-terms"} {
		d := training.decision with input as fixtures.call(m)
		d.permit == false
		d.licence == l
		d.licence_class == "not-for-competing-models"
		some r in d.reasons
		r.rule == "training.licence_forbids"
		r.clause.licence == l
	}
}

test_apache_and_mit_outputs_trainable if {
	every m, l in {"qwen2.5-7b-instruct": "apache-2.0", "deepseek-r1": "mit"} {
		d := training.decision with input as fixtures.call(m)
		d.permit == true
		d.licence == l
		d.licence_class == "yes"
		d.attribution == []
		fixtures.rules(d.reasons) == {"training.licence_permits"}
	}
}

test_llama_trainable_with_duties if {
	d := training.decision with input as fixtures.call("llama-3.1-8b-instruct")
	d.permit == true
	d.licence_class == "yes-with-duties"
	"Built with Llama" in d.attribution
	d.naming == ["Llama"]
}

test_unknown_licence_not_trainable if {
	inp := fixtures.call("deepseek-r1")
	d := training.decision with input as object.union(inp, {"route": object.union(inp.route, {"licence": "mystery"})})
	d.permit == false
	d.licence_class == "unknown"
	d.attribution == []
	d.naming == []
	fixtures.rules(d.reasons) == {"training.licence_unknown"}
}
