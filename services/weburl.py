"""Which URLs ipmon accepts and renders as links: absolute http and https ones only.

A `javascript:`, `data:` or `vbscript:` URL in a link runs in the page that shows it, so
documents with such a URL are refused at the API and from files, and the dashboard
renders any stored one (from events older than this check) as plain text.
"""

from __future__ import annotations

from urllib.parse import urlsplit

WEB_SCHEMES = frozenset({"http", "https"})


def is_web_url(value: object) -> bool:
    """Whether a value is an absolute http(s) URL with a host and no control characters."""
    if not isinstance(value, str) or value != value.strip():
        return False
    if any(ord(c) < 0x21 or ord(c) == 0x7F for c in value):
        return False
    try:
        parts = urlsplit(value)
    except ValueError:
        return False
    return parts.scheme.lower() in WEB_SCHEMES and bool(parts.hostname)


def redact(url: str) -> str:
    """The URL without user, password, query or fragment, safe to log or show."""
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
        port = f":{parts.port}" if parts.port else ""
    except ValueError:
        return "<unparsable URL>"
    if ":" in host:
        host = f"[{host}]"
    return f"{parts.scheme}://{host}{port}{parts.path}"
