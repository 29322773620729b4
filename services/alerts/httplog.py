"""httpx request log lines without the credentials and queries of receiver URLs."""

from __future__ import annotations

import logging

import httpx

from services.weburl import redact


class RedactUrls(logging.Filter):
    """Strips credentials and queries from URLs that httpx logs with each request."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Rewrite URL arguments in place; never drops a record."""
        if isinstance(record.args, tuple):
            record.args = tuple(
                redact(str(a)) if isinstance(a, httpx.URL) or _is_url(a) else a
                for a in record.args
            )
        return True


def _is_url(value: object) -> bool:
    return isinstance(value, str) and "://" in value


def redact_http_logs() -> None:
    """Make httpx's request log lines safe to show (idempotent)."""
    httpx_log = logging.getLogger("httpx")
    if not any(isinstance(f, RedactUrls) for f in httpx_log.filters):
        httpx_log.addFilter(RedactUrls())
