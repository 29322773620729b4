"""The watch list file: which pages and feeds are polled, and how often.

A watch list is a TOML file (see deploy/watchlist.example.toml)::

    [[source]]
    url = "https://example.org/notices/rss.xml"
    kind = "feed"            # or "page" (the default)
    interval = "30m"         # "90s", "15m", "6h", "1d", "1h30m" or a number of seconds
    publisher = "Example IP Office"
    max_entries = 20         # feed entries fetched per poll at most
"""

from __future__ import annotations

import re
import tomllib
from collections import Counter
from pathlib import Path
from typing import Annotated, Any, Literal
from urllib.parse import urlparse

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError, field_validator

from services.ingest.sources.outcomes import DEFAULT_MAX_ENTRIES

_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
_INTERVAL = re.compile(r"(\d+(?:\.\d+)?)\s*([smhd])")


def parse_interval(value: Any) -> float:
    """Seconds of an interval written as a number or like "90s", "15m", "6h", "1d", "1h30m"."""
    if isinstance(value, bool):
        raise ValueError("an interval is a number of seconds or a text like '15m'")
    if isinstance(value, int | float):
        return float(value)
    if not isinstance(value, str):
        raise ValueError("an interval is a number of seconds or a text like '15m'")
    text = value.strip().lower().replace(" ", "")
    if re.fullmatch(r"\d+(?:\.\d+)?", text):
        return float(text)
    parts = _INTERVAL.findall(text)
    if not parts or "".join(n + u for n, u in parts) != text:
        raise ValueError(f"interval {value!r} is not like '90s', '15m', '6h', '1d' or '1h30m'")
    return sum(float(n) * _UNITS[u] for n, u in parts)


Interval = Annotated[float, BeforeValidator(parse_interval), Field(ge=1)]


class WatchSource(BaseModel):
    """One watched URL: a page, or a feed whose entries link to pages."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    url: str
    kind: Literal["page", "feed"] = "page"
    interval: Interval = 3600.0
    publisher: str | None = None
    title: str | None = Field(None, description="title for a page whose own is unhelpful")
    max_entries: int = Field(DEFAULT_MAX_ENTRIES, ge=1, le=1000)
    enabled: bool = True

    @field_validator("url")
    @classmethod
    def _http(cls, value: str) -> str:
        parts = urlparse(value.strip())
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ValueError(f"{value!r} is not an http(s) URL")
        return value.strip()


class Watchlist(BaseModel):
    """Every watched source, from a TOML file of `[[source]]` tables."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    sources: tuple[WatchSource, ...] = Field((), alias="source")

    @field_validator("sources")
    @classmethod
    def _unique(cls, value: tuple[WatchSource, ...]) -> tuple[WatchSource, ...]:
        urls = Counter(s.url for s in value)
        twice = sorted(u for u, n in urls.items() if n > 1)
        if twice:
            raise ValueError(f"listed more than once: {', '.join(twice)}")
        return value


class WatchlistError(ValueError):
    """A watch list file that cannot be read or is not valid."""


def load_watchlist(path: Path) -> Watchlist:
    """Read and validate a watch list file; raises WatchlistError naming the problem."""
    try:
        data = tomllib.loads(path.read_text("utf-8"))
    except OSError as exc:
        raise WatchlistError(f"{path}: cannot read: {exc.strerror}") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise WatchlistError(f"{path}: not valid TOML: {exc}") from None
    try:
        return Watchlist.model_validate(data)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc']) or 'file'}: {e['msg']}" for e in exc.errors()
        )
        raise WatchlistError(f"{path}: {problems}") from None
