package termsgate.request_test

import data.termsgate.fixtures
import data.termsgate.request

test_clean_chat_is_watermarked_and_fully_logged if {
	d := request.decision with input as fixtures.call("gpt-4o-mini")
	d.obligations == {"watermark": true, "content_logging": "full", "redactions": [], "mask": []}
}

test_embeddings_are_not_watermarked if {
	d := request.decision with input as object.union(fixtures.call("qwen2.5-7b-instruct"), {"endpoint": "embeddings"})
	d.obligations.watermark == false
}

test_watermark_off_when_company_disables_it if {
	d := request.decision with input as fixtures.call("gpt-4o-mini")
		with data.data.company.obligations.watermark as false
	d.obligations.watermark == false
}
