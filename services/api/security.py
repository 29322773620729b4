"""Write authorisation, request-size limits and security headers.

Write endpoints accept `Authorization: Bearer <token>`, or, for the dashboard's forms, a
session cookie holding an HMAC of the token (set by /login, HttpOnly, SameSite=Strict so
other sites cannot post with it). Without a configured token, writes are open only when
the API listens on a loopback address; `context_for` disables them otherwise.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import socket

from starlette.types import ASGIApp, Message, Receive, Scope, Send

SESSION_COOKIE = "ipmon_session"

# No scripts at all and nothing from other origins: the dashboard is plain HTML + CSS + SVG.
CSP = (
    "default-src 'none'; style-src 'self'; img-src 'self' data:; object-src 'none'; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)


def is_loopback(host: str) -> bool:
    """Whether a bind address only accepts connections from this machine."""
    name = host.strip("[]")
    if name == "localhost":
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        try:
            infos = socket.getaddrinfo(name, None)
        except OSError:
            return False
        return bool(infos) and all(ipaddress.ip_address(i[4][0]).is_loopback for i in infos)


def session_value(token: str) -> str:
    """The cookie value that proves knowledge of the token without storing it."""
    return hmac.new(token.encode(), b"ipmon-dashboard-session", hashlib.sha256).hexdigest()


def valid_bearer(token: str | None, header: str | None) -> bool:
    """Whether an Authorization header carries the configured token (never without one)."""
    if token is None or not header:
        return False
    scheme, _, given = header.partition(" ")
    return scheme.lower() == "bearer" and hmac.compare_digest(given.strip(), token)


def authorised(token: str | None, header: str | None, cookie: str | None) -> bool:
    """Whether a request's bearer header or session cookie matches the token."""
    if token is None or valid_bearer(token, header):
        return True
    return bool(cookie) and hmac.compare_digest(cookie or "", session_value(token))


class BodyLimitMiddleware:
    """Refuses request bodies over a size with 413, whether declared or streamed.

    The body is read here, up to the limit, before the app sees it: a chunked upload has
    no Content-Length to check, and an error raised while the app reads would reach the
    framework's body parser, which turns it into a 400.
    """

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Check Content-Length up front, then buffer the body and count it."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if _declared_length(scope) > self.max_bytes:
            await _too_large(send, self.max_bytes)
            return
        chunks: list[bytes] = []
        seen = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":  # the client went away
                return
            chunk = message.get("body", b"")
            seen += len(chunk)
            if seen > self.max_bytes:
                await _too_large(send, self.max_bytes)
                return
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        await self.app(scope, _replay(b"".join(chunks), receive), send)


def _declared_length(scope: Scope) -> int:
    for name, value in scope.get("headers", ()):
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return 1 << 62
    return 0


def _replay(body: bytes, receive: Receive) -> Receive:
    """A receive that hands over the buffered body once, then waits for a disconnect."""
    pending = [body]

    async def replayed() -> Message:
        if pending:
            return {"type": "http.request", "body": pending.pop(), "more_body": False}
        return await receive()

    return replayed


async def _too_large(send: Send, limit: int) -> None:
    body = f'{{"detail":"request body larger than {limit} bytes"}}'.encode()
    await send({
        "type": "http.response.start", "status": 413,
        "headers": [(b"content-type", b"application/json"),
                    (b"content-length", str(len(body)).encode())],
    })
    await send({"type": "http.response.body", "body": body})


class SecurityHeadersMiddleware:
    """Adds CSP, nosniff, frame and referrer headers to every response."""

    HEADERS = (
        (b"content-security-policy", CSP.encode()),
        (b"x-content-type-options", b"nosniff"),
        (b"x-frame-options", b"DENY"),
        (b"referrer-policy", b"same-origin"),
    )

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Append the headers when the response starts."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", ()))
                present = {k.lower() for k, _ in headers}
                headers += [(k, v) for k, v in self.HEADERS if k not in present]
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, with_headers)
