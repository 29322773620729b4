"""The sources catalogue: how authoritative a publisher is (official > state media > others).

The catalogue is data (`events/sources.toml`, extended or overridden by an operator's file
of the same shape), loaded on first use. A document is matched on its URL host first (the
host or a subdomain of a catalogued host), then on its publisher name.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

_CATALOGUE = Path(__file__).with_name("sources.toml")


def _name_key(name: str) -> str:
    return re.sub(r"[\s.'’]+", " ", name).strip().casefold()


@dataclass(frozen=True, slots=True)
class Match:
    """The catalogue's verdict on one document: source id and authority level."""

    source: str
    level: str
    authority: int


@dataclass(frozen=True)
class Sources:
    """Authority levels, catalogued publishers by host and by name, and host suffixes."""

    levels: dict[str, int]
    hosts: dict[str, tuple[str, str]] = field(default_factory=dict)
    names: dict[str, tuple[str, str]] = field(default_factory=dict)
    suffixes: tuple[tuple[str, str], ...] = ()

    def match(self, publisher: str | None, url: str | None) -> Match:
        """The source and authority of a document with this publisher name and URL."""
        host = (urlsplit(url).hostname or "") if url else ""
        labels = host.lower().split(".")
        for i in range(len(labels) - 1):
            found = self.hosts.get(".".join(labels[i:]))
            if found:
                return self._verdict(*found)
        if publisher and _name_key(publisher) in self.names:
            return self._verdict(*self.names[_name_key(publisher)])
        for suffix, level in self.suffixes:
            if host == suffix or host.endswith("." + suffix):
                return self._verdict(f"*.{suffix}", level)
        return self._verdict("unknown", "unknown")

    def authority(self, publisher: str | None, url: str | None) -> int:
        """The authority level (a number, higher is more trusted) of a document."""
        return self.match(publisher, url).authority

    def _verdict(self, source: str, level: str) -> Match:
        return Match(source, level, self.levels[level])


def parse(raw: dict[str, Any], where: str, base: Sources | None = None) -> Sources:
    """A catalogue from parsed TOML, on top of `base` (whose entries it overrides)."""
    levels = dict(base.levels) if base else {}
    levels.update({str(k): int(v) for k, v in raw.get("authority", {}).items()})
    if "unknown" not in levels:
        raise ValueError(f"{where}: [authority] needs an 'unknown' level")
    hosts = dict(base.hosts) if base else {}
    names = dict(base.names) if base else {}
    for i, entry in enumerate(raw.get("source", []), 1):
        sid, level = str(entry.get("id", "")), str(entry.get("authority", ""))
        if not sid or level not in levels:
            raise ValueError(f"{where}: source #{i} needs an id and a known authority level")
        hosts.update({str(h).lower().lstrip("."): (sid, level) for h in entry.get("hosts", [])})
        names.update({_name_key(str(n)): (sid, level) for n in entry.get("names", [])})
    suffixes = [(str(s["suffix"]).lower(), str(s["authority"])) for s in raw.get("host_suffix", [])]
    for suffix, level in suffixes:
        if level not in levels:
            raise ValueError(f"{where}: host suffix {suffix}: unknown authority level {level!r}")
    merged = tuple(suffixes) + (base.suffixes if base else ())
    return Sources(levels, hosts, names, merged)


def load(path: Path, base: Sources | None = None) -> Sources:
    """A catalogue read from a TOML file, on top of `base`; errors name the file."""
    try:
        with path.open("rb") as f:
            raw = tomllib.load(f)
    except tomllib.TOMLDecodeError as exc:
        raise ValueError(f"{path}: {exc}") from exc
    return parse(raw, str(path), base)


@cache
def default() -> Sources:
    """The catalogue shipped with ipmon."""
    return load(_CATALOGUE)
