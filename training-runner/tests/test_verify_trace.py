"""verify's second check, the client side: batched queries within the detect route's bounds, the quarantine
naming each origin's decision, licence and evidence, and failing closed (exit 3, nothing verified or moved)
when the gateway cannot answer. A stand-in speaks the route's protocol (gateway/provenance/routes.ts); the
real route is driven by test/training-runner-verify.test.ts."""
import json
import random
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from fixtures import Signer, example, write_dataset

from termsgate_runner.__main__ import main
from termsgate_runner.shards import quarantine_path, shard_paths
from termsgate_runner.trace import BATCH, BATCH_BYTES, DetectionUnavailable, GatewayDetector, batches, record_document, served_at_ms

TOKEN = "tga-canary-7f3a9c1e5b"


ORIGIN_MS = 1_796_000_000_000


def v7(ms: int) -> str:
    """A UUIDv7 as the gateway makes decision ids: the call's start in ms, then version 7."""
    h = f"{ms:012x}"
    return f"{h[:8]}-{h[8:]}-7abc-8def-0123456789ab"


def untraced() -> dict:
    return {"origin": None, "status": "none", "decision_id": None, "licence": None, "restricted": False, "spans": []}


def traced(text: str) -> dict:
    """Laundered records name a restricted decision by every kind of evidence the gateway has."""
    if "Lima" in text:  # words and meaning
        spans = [{"origin": "fingerprint", "status": "genuine", "decision_id": "dec-r1", "licence": "openai-services-agreement", "restricted": True, "score": 0.6},
                 {"origin": "semantic", "status": "genuine", "decision_id": "dec-r1", "licence": "openai-services-agreement", "restricted": True, "score": 0.9134}]
    elif "Cairo" in text:  # a mark of its own output, carried in
        spans = [{"origin": "both", "status": "genuine", "decision_id": "dec-r2", "licence": "openai-services-agreement", "restricted": True, "score": 1}]
    elif "Nairobi" in text:  # an output served at ORIGIN_MS
        spans = [{"origin": "fingerprint", "status": "genuine", "decision_id": v7(ORIGIN_MS), "licence": "openai-services-agreement", "restricted": True, "score": 0.8}]
    elif "Santiago" in text:  # a mark of a decision made after the record, in text it did not come with
        spans = [{"origin": "watermark", "status": "transplanted", "decision_id": v7(ORIGIN_MS + 5000), "licence": "openai-services-agreement", "restricted": True, "score": 0}]
    elif "Oslo" in text:  # a public quote: not a served output's text
        spans = [{"origin": "public", "status": "genuine", "decision_id": None, "licence": "MIT", "restricted": False, "score": 1}]
    else:
        return untraced()
    return {"origin": spans[0]["origin"], "status": "genuine", "decision_id": spans[0]["decision_id"], "licence": spans[0]["licence"], "restricted": spans[0]["restricted"], "spans": spans}


class FakeDetect:
    """POST /admin/v1/provenance/detect with the route's bounds, its auditor token and its answer's evidence."""

    def __init__(self, status: int = 200):
        self.status, self.bodies, self.auth = status, [], []
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers["content-length"])))
                fake.bodies.append(body)
                fake.auth.append(self.headers.get("authorization"))
                if self.headers.get("authorization") != f"Bearer {TOKEN}":
                    return self._send(401, {"error": {"type": "unauthorized", "message": "a control-plane token is required"}})
                if fake.status != 200:
                    return self._send(fake.status, {"error": {"type": "unavailable", "message": "provenance detection cannot consult meaning: its model is missing"}})
                texts = body["texts"]
                if len(texts) > 1000 or sum(len(t.encode()) for t in texts) > 1024 * 1024:
                    return self._send(413, {"error": {"type": "batch_too_large", "message": "too much"}})
                results = [traced(t) for t in texts]
                self._send(200, {"results": results, "summary": {}, "evidence": ["marks", "words", "meaning"]})

            def _send(self, code, body):
                data = json.dumps(body).encode()
                self.send_response(code)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


@pytest.fixture
def detect():
    fake = FakeDetect()
    yield fake
    fake.server.shutdown()


def dataset(tmp_path, n=12):
    """Records 0..n, less Nairobi's and Santiago's (6 and 7: the ordering test's)."""
    gateway = Signer()
    write_dataset(tmp_path, gateway, gateway.batch([example(i) for i in range(n + 2) if i not in (6, 7)], 1))
    return tmp_path


def shard_text(path):
    return "".join(p.read_text() for p in shard_paths(path))


def test_batches_stay_within_both_bounds_and_keep_order():
    rng = random.Random(7)
    for _ in range(200):
        texts = ["é" * rng.choice([0, 1, 50, 4000, 70_000, 300_000]) for _ in range(rng.randint(0, 600))]
        ranges = batches(texts)
        assert [i for s, e in ranges for i in range(s, e)] == list(range(len(texts)))
        for s, e in ranges:
            assert 0 < e - s <= BATCH
            assert e - s == 1 or sum(len(t.encode()) for t in texts[s:e]) <= BATCH_BYTES


def test_records_are_traced_in_batches_and_the_quarantine_names_decision_licence_and_evidence(tmp_path, detect, monkeypatch, capsys):
    data = dataset(tmp_path)
    monkeypatch.setenv("TERMSGATE_DETECT_TOKEN", TOKEN)
    assert main(["verify", str(data), "--gateway", detect.url]) == 1
    out = json.loads(capsys.readouterr().out)
    assert out["verified"] == 10 and out["quarantined"] == 2 and out["traced_by"] == ["marks", "words", "meaning"]
    by_city = {q["id"]: q for q in out["reasons"]}
    lima = next(q for q in by_city.values() if q["line"] == 5)  # example(4): Peru, Lima
    assert lima["origins"] == [{"decision_id": "dec-r1", "licence": "openai-services-agreement", "origin": "fingerprint", "status": "genuine", "evidence": ["words", "meaning"], "similarity": 0.913}]
    assert lima["reason"] == "traces to restricted output: decision dec-r1 (licence openai-services-agreement, by words and meaning, similarity 0.913)"
    cairo = next(q for q in by_city.values() if q["line"] == 6)
    assert cairo["origins"][0]["evidence"] == ["mark", "words"]
    quarantined = [json.loads(line) for line in quarantine_path(data).read_text().splitlines()]
    assert [q["origins"][0]["decision_id"] for q in quarantined] == ["dec-r1", "dec-r2"], "the quarantine file names them too"
    assert "Oslo" in shard_text(data), "a public quote is no served output's text: the record stays"
    assert len(detect.bodies) == 1 and len(detect.bodies[0]["texts"]) == 12, "one request for twelve records"


def test_many_records_go_in_bounded_requests(tmp_path, detect):
    texts = [f"record {i} " + "x" * 3000 for i in range(450)]
    detector = GatewayDetector(detect.url, TOKEN)
    assert len(detector.detect(texts)) == 450
    sizes = [len(b["texts"]) for b in detect.bodies]
    assert sum(sizes) == 450 and len(sizes) == 6 and max(sizes) <= BATCH, sizes  # 256 KiB holds 87 such records
    assert detector.evidence == ["marks", "words", "meaning"]


@pytest.mark.parametrize("why", ["unreachable", "wrong token", "meaning unavailable"])
def test_verify_fails_closed_when_the_gateway_cannot_answer(tmp_path, detect, why, capsys):
    data = dataset(tmp_path)
    before = shard_text(data)
    url, token = detect.url, TOKEN
    if why == "unreachable":
        detect.server.shutdown()
        detect.server.server_close()
    elif why == "wrong token":
        token = "tga-canary-wrong-5d2e8b"
    else:
        detect.status = 503
    assert main(["verify", str(data), "--gateway", url, "--detect-token", token]) == 3
    captured = capsys.readouterr()
    assert captured.out == "", "no report: nothing was verified"
    assert captured.err.startswith("verify stopped, nothing verified or moved: the gateway's detection at ")
    expected = {"unreachable": "is unreachable", "wrong token": "answered HTTP 401: a control-plane token is required", "meaning unavailable": "answered HTTP 503: provenance detection cannot consult meaning"}[why]
    assert expected in captured.err
    assert token not in captured.err, "the token never reaches a message"
    assert shard_text(data) == before and not quarantine_path(data).exists(), "nothing moved"


def test_verify_needs_a_tracer_or_says_it_checked_permits_alone(tmp_path, capsys):
    data = dataset(tmp_path)
    assert main(["verify", str(data)]) == 2
    assert "verify traces every record through the gateway's detection" in capsys.readouterr().err
    assert main(["verify", str(data), "--permits-only"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["verified"] == 12 and out["traced_by"] is None


def test_a_gateway_without_a_token_is_a_usage_error(tmp_path, detect, monkeypatch):
    monkeypatch.delenv("TERMSGATE_DETECT_TOKEN", raising=False)
    with pytest.raises(SystemExit, match="TERMSGATE_DETECT_TOKEN"):
        main(["verify", str(dataset(tmp_path)), "--gateway", detect.url])


def test_an_answer_without_its_evidence_is_not_taken(detect):
    detect.server.RequestHandlerClass.do_POST = lambda self: (self.rfile.read(int(self.headers["content-length"])), self.send_response(200), self.send_header("content-length", "14"), self.end_headers(), self.wfile.write(b'{"results":[]}'))
    with pytest.raises(DetectionUnavailable, match="without a result per text"):
        GatewayDetector(detect.url, TOKEN).detect(["a"])


def test_the_document_is_what_the_record_stores():
    e = example(3)
    assert record_document(e) == e["messages"][0]["content"] + "\n\n" + e["completion"]


def test_an_output_served_after_the_record_is_not_its_source(tmp_path, detect, capsys):
    """Both records trace to the same restricted output; only the one whose call came after it is quarantined."""
    gateway = Signer()
    before, after, tampered = example(6), example(16), example(7)
    before["decision_id"], after["decision_id"], tampered["decision_id"] = v7(ORIGIN_MS - 1000), v7(ORIGIN_MS + 1000), v7(ORIGIN_MS)
    write_dataset(tmp_path, gateway, gateway.batch([before, after, tampered, example(0)], 1))
    assert served_at_ms(v7(ORIGIN_MS)) == ORIGIN_MS and served_at_ms("dec_x") is None
    assert main(["verify", str(tmp_path), "--gateway", detect.url, "--detect-token", TOKEN, "--dry-run"]) == 1
    out = json.loads(capsys.readouterr().out)
    assert [q["line"] for q in out["reasons"]] == [2, 3], "the later record, and a transplanted mark whenever its decision was made"
    assert out["reasons"][1]["reason"].startswith("traces to restricted output: transplanted mark of decision")
    assert out["verified"] == 2 and out["later_origins_only"] == 1


def test_audit_stops_with_exit_3_when_the_gateway_cannot_trace(tmp_path, monkeypatch, capsys):
    import termsgate_runner.audit as audit_module

    def unreachable(*args, **kwargs):
        raise DetectionUnavailable("the gateway's detection at http://127.0.0.1:9/admin/v1/provenance/detect is unreachable: refused")

    monkeypatch.setattr(audit_module, "audit", unreachable)
    (tmp_path / "prompts.jsonl").write_text('{"prompt": "hi"}\n')
    assert main(["audit", "--run", str(tmp_path), "--prompts", str(tmp_path / "prompts.jsonl"), "--gateway", "http://127.0.0.1:9", "--detect-token", TOKEN]) == 3
    err = capsys.readouterr().err
    assert err.startswith("audit stopped, nothing written: the gateway's detection at") and TOKEN not in err
