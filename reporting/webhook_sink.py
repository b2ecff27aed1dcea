"""A tiny local webhook receiver: records what the webhook channel would send, checks each
signature, and can fail its first N requests (to watch the retries). Used by
`manage.py webhook_sink` and by the tests."""

from __future__ import annotations

import hmac
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from reporting.services.channels import DELIVERY_HEADER, SIGNATURE_HEADER, sign


class WebhookSink:
    def __init__(self, *, secret: str, fail_first: int = 0, port: int = 0, record=None):
        self.secret = secret
        self.fail_first = fail_first
        self.requests = 0  # every POST, failed ones too
        self.received: list[dict] = []  # accepted deliveries: {"key", "payload", "valid"}
        self.lock = threading.Lock()
        self.record = record  # a callable given each accepted delivery (the command prints)
        sink = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - http.server's name
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                with sink.lock:
                    sink.requests += 1
                    failing = sink.requests <= sink.fail_first
                if failing:
                    self.send_response(503)
                    self.end_headers()
                    return
                given = self.headers.get(SIGNATURE_HEADER, "")
                valid = hmac.compare_digest(given, "sha256=" + sign(sink.secret, body))
                entry = {
                    "key": self.headers.get(DELIVERY_HEADER, ""),
                    "valid": valid,
                    "payload": json.loads(body or b"{}"),
                }
                with sink.lock:
                    sink.received.append(entry)
                if sink.record:
                    sink.record(entry)
                self.send_response(200 if valid else 401)
                self.end_headers()

            def log_message(self, *args):  # quiet
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/hook"

    def start(self) -> WebhookSink:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def __enter__(self) -> WebhookSink:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
