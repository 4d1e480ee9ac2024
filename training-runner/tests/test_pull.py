import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

import pytest
from fixtures import Signer, example

from termsgate_runner.pull import pull
from termsgate_runner.shards import iter_records


class FakeFeed:
    """A feed server speaking the gateway's protocol, with a switchable key and at-least-once replays."""

    def __init__(self, signer: Signer, records: list[dict]):
        self.signer, self.records, self.replay, self.requests = signer, records, 0, []
        feed = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                url = urlparse(self.path)
                if url.path == "/training/v1/public-key":
                    return self._send(200, feed.signer.key.to_json())
                if self.headers.get("authorization") != "Bearer runner-token":
                    return self._send(401, {"error": {"type": "unauthorized"}})
                q = parse_qs(url.query)
                cursor, limit = int(q["cursor"][0]), int(q["limit"][0])
                feed.requests.append(cursor)
                start = max(0, cursor - feed.replay)  # re-serves already-delivered records
                page = [r for r in feed.records if r["seq"] > start][:limit]
                nxt = page[-1]["seq"] if page else cursor
                self._send(200, {"records": page, "next_cursor": str(nxt)})

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
def feed():
    signer = Signer()
    f = FakeFeed(signer, [signer.record(example(i), i + 1) for i in range(7)])
    yield f
    f.server.shutdown()


def test_pull_is_resumable_and_deduplicated(tmp_path, feed):
    first = pull(feed.url, "runner-token", tmp_path, limit=3)
    assert first["received"] == 7 and first["cursor"] == "7"
    assert feed.requests[:3] == [0, 3, 6]

    feed.records += [feed.signer.record(example(i), i + 1) for i in range(7, 9)]
    feed.replay = 2  # at-least-once: the server repeats the last two delivered records
    feed.requests.clear()
    second = pull(feed.url, "runner-token", tmp_path, limit=3)
    assert feed.requests[0] == 7, "resumes from the saved cursor"
    assert second["received"] == 2 and second["duplicates"] >= 2
    ids = [r["id"] for r, _ in iter_records(tmp_path)]
    assert len(ids) == 9 == len(set(ids))


def test_pull_refuses_a_changed_gateway_key(tmp_path, feed):
    pull(feed.url, "runner-token", tmp_path)
    feed.signer = Signer()
    with pytest.raises(RuntimeError, match="differs from the pinned key"):
        pull(feed.url, "runner-token", tmp_path)


def test_pull_needs_the_runner_token(tmp_path, feed):
    with pytest.raises(Exception, match="401"):
        pull(feed.url, "wrong", tmp_path)
