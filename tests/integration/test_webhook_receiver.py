"""The tests' webhook receiver counts a request only once it has all of it."""

from __future__ import annotations

import socket
import time
from urllib.parse import urlsplit

import httpx
from webhook_receiver import Receiver


def _send_half(url: str) -> None:
    """Send the headers and half the body of a POST, then close like a killed sender."""
    parts = urlsplit(url)
    body = b'{"alerts": []}'
    head = (
        f"POST {parts.path} HTTP/1.1\r\nHost: {parts.netloc}\r\n"
        f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
    ).encode()
    with socket.create_connection((parts.hostname, parts.port)) as s:
        s.sendall(head + body[: len(body) // 2])


def test_a_request_cut_short_is_not_an_attempt(receiver: Receiver) -> None:
    _send_half(receiver.url)
    time.sleep(0.3)  # let the handler see the connection close
    assert receiver.attempts == 0
    reply = httpx.post(receiver.url, json={"alerts": []}, headers={"Idempotency-Key": "k"})
    assert reply.status_code == 200
    assert (receiver.attempts, receiver.keys) == (1, ["k"])
