"""Cross-site request forgery defences for every state-changing request.

Two independent layers, so that one missing browser feature does not open the writes:

* `same_origin_only` (an app-wide dependency) refuses a POST, PUT, PATCH or DELETE that a
  browser marks as coming from another site: `Sec-Fetch-Site` other than `same-origin` or
  `none`, or an `Origin` that is not this server's. Requests with neither header are not
  from a browser page and go on to the token check; so do requests with a valid bearer
  token, which no page on another origin can send (this server answers no CORS preflight).
  Without a configured token, writes also need a loopback `Host` (localhost or a loopback
  IP): a page whose own name was re-pointed at 127.0.0.1 (DNS rebinding) is same-origin
  to the browser but names its own host.
* The dashboard's forms carry a signed double-submit token: a random nonce in an
  HttpOnly, SameSite=Strict cookie and its HMAC in a hidden field. Another site can
  neither read the field nor forge the HMAC, which needs the server's secret.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import secrets
from urllib.parse import urlsplit

from fastapi import HTTPException, Request

from services.api.security import valid_bearer

CSRF_COOKIE = "ipmon_csrf"
CSRF_FIELD = "csrf"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# `none` is a navigation the user started (address bar, bookmark), never another page
ALLOWED_FETCH_SITES = frozenset({"same-origin", "none"})


def secret_for(token: str | None) -> bytes:
    """The form-token key: derived from the API token, so every process behind one token
    accepts the others' forms; random per process when there is no token."""
    if token:
        return hmac.new(token.encode(), b"ipmon-csrf-secret", hashlib.sha256).digest()
    return secrets.token_bytes(32)


def _netloc(url: str) -> str:
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    default = {"http": 80, "https": 443}.get(parts.scheme)
    try:
        port = parts.port
    except ValueError:
        return ""
    return host if port in (None, default) else f"{host}:{port}"


def cross_site_reason(request: Request, external_url: str) -> str | None:
    """Why a browser request comes from another site, or None when it does not."""
    fetch_site = request.headers.get("sec-fetch-site")
    if fetch_site is not None and fetch_site.lower() not in ALLOWED_FETCH_SITES:
        return f"Sec-Fetch-Site is {fetch_site!r}"
    origin = request.headers.get("origin")
    if origin is None:
        return None
    own = {_netloc(f"{request.url.scheme}://{request.headers.get('host', '')}"),
           _netloc(external_url)}
    given = _netloc(origin) if origin != "null" else ""
    if not given or given not in own:
        return f"Origin {origin!r} is not this server"
    return None


def _loopback_name(host_header: str) -> bool:
    """Whether a Host header names this machine literally (no DNS: that is what rebinds)."""
    try:
        host = urlsplit(f"//{host_header}").hostname or ""
    except ValueError:
        return False
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def same_origin_only(request: Request) -> None:
    """Refuse state-changing requests sent by pages of other origins (403)."""
    if request.method in SAFE_METHODS:
        return
    ctx = request.app.state.ctx
    if valid_bearer(ctx.token, request.headers.get("authorization")):
        return
    reason = cross_site_reason(request, ctx.external_url)
    if reason is None and ctx.token is None and not _loopback_name(
        request.headers.get("host", "")
    ):
        reason = "without an API token, writes must address a loopback host name"
    if reason is not None:
        raise HTTPException(403, f"cross-site request refused: {reason}")


def new_nonce() -> str:
    """A fresh random value for the double-submit cookie."""
    return secrets.token_urlsafe(24)


def form_token(secret: bytes, nonce: str) -> str:
    """The hidden-field value that goes with a cookie nonce."""
    return hmac.new(secret, nonce.encode(), hashlib.sha256).hexdigest()


def form_token_valid(secret: bytes, nonce: str | None, given: str | None) -> bool:
    """Whether a form's token matches the nonce in its cookie."""
    if not nonce or not given:
        return False
    return hmac.compare_digest(form_token(secret, nonce), given)
