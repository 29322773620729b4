"""A real Alertmanager-style webhook receiver on loopback, with scriptable answers."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

WAIT_S = 30.0


class Receiver:
    """An Alertmanager-style webhook receiver with scriptable answers."""

    def __init__(self) -> None:
        self.bodies: list[dict[str, Any]] = []
        self.keys: list[str] = []
        self.attempts = 0
        self.answers: list[int] = []  # status codes to answer with, then 200
        self.gate = threading.Event()
        self.gate.set()
        self.received = threading.Event()
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                size = int(self.headers["Content-Length"])
                body = self.rfile.read(size)
                if len(body) < size:
                    return  # the sender died mid-request: nothing was delivered
                # counted once the whole request is in, so a sender killed after an
                # attempt is seen has already delivered what the receiver will answer
                outer.attempts += 1
                outer.gate.wait(WAIT_S)
                status = outer.answers.pop(0) if outer.answers else 200
                if status == 200:
                    outer.bodies.append(json.loads(body))
                    outer.keys.append(self.headers.get("Idempotency-Key", ""))
                    outer.received.set()
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.gate.set()
        self.server.shutdown()
        self.server.server_close()
