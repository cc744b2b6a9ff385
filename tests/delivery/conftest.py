"""A local SMS gateway for the tests: a real HTTP server on 127.0.0.1 that speaks the gateway's
protocol (allianse.delivery.sms) and keeps what it was sent."""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

TOKEN = "gateway-test-token"


class Gateway:
    def __init__(self) -> None:
        self.requests: list[dict] = []
        self.status = 200
        self.delay = 0.0
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.url = f"http://127.0.0.1:{self.server.server_port}/rest/mtsms"

    def _handler(self):
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                gateway.requests.append({"path": self.path, "headers": dict(self.headers), "json": json.loads(body)})
                time.sleep(gateway.delay)
                authorised = self.headers.get("Authorization") == f"Bearer {TOKEN}"
                status = gateway.status if authorised else 401
                answer = json.dumps({"ids": [1]} if status == 200 else {"error": "refused"}).encode()
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(answer)))
                    self.end_headers()
                    self.wfile.write(answer)
                except BrokenPipeError:  # the client gave up waiting
                    pass

            def log_message(self, *args) -> None:
                pass

        return Handler


@pytest.fixture
def gateway(settings):
    server = Gateway()
    thread = threading.Thread(target=server.server.serve_forever, daemon=True)
    thread.start()
    settings.SMS_BACKEND = "allianse.delivery.sms.GatewayBackend"
    settings.SMS_GATEWAY_URL = server.url
    settings.SMS_GATEWAY_TOKEN = TOKEN
    settings.SMS_SENDER = "Klinikken"
    settings.SMS_GATEWAY_TIMEOUT = 2
    yield server
    server.server.shutdown()
    server.server.server_close()


@pytest.fixture
def sms_outbox(settings, tmp_path):
    """SMS written to files under a fresh directory; calling it gives all written so far."""
    settings.SMS_BACKEND = "allianse.delivery.sms.FileBackend"
    settings.SMS_FILE_DIR = tmp_path / "sms"

    def written() -> str:
        return "".join(path.read_text(encoding="utf-8") for path in sorted(settings.SMS_FILE_DIR.glob("*.log")))

    return written
