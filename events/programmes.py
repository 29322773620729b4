"""The programme catalogue: pilot and demonstration programmes with ids and aliases.

The catalogue is data (`events/programmes.toml`), loaded on first use. `resolve` gives the
id of the programme a text names, so the same programme written two ways ("main cities to
build IP operation service systems", "IP operation service system key cities") is one.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path
from typing import Literal, cast

Role = Literal["pilot", "demonstration"]

CATALOGUE = Path(__file__).with_name("programmes.toml")
_IP = re.compile(r"\bintellectual[\s-]+property\b|\biprs?\b", re.IGNORECASE)
_TOKEN = re.compile(r"[a-z0-9]+")
_HAN = re.compile(r"[\u4e00-\u9fff]")


@dataclass(frozen=True, slots=True)
class Programme:
    """One catalogued programme."""

    id: str
    name: str
    role: Role
    aliases: tuple[str, ...]
    aliases_zh: tuple[str, ...] = ()
    fallback: bool = False


def _strings(pid: str, spec: dict[str, object], key: str) -> tuple[str, ...]:
    value = spec.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ValueError(f"{CATALOGUE.name}: {pid}: {key} must be a list of strings")
    return tuple(value)


def parse(raw: dict[str, object]) -> dict[str, Programme]:
    """The programmes of a parsed catalogue file, by id; a bad entry names itself."""
    table = raw.get("programmes")
    if not isinstance(table, dict):
        raise ValueError(f"{CATALOGUE.name}: missing [programmes] table")
    out: dict[str, Programme] = {}
    for pid, spec in table.items():
        if not isinstance(spec, dict):
            raise ValueError(f"{CATALOGUE.name}: [programmes.{pid}] is not a table")
        role = str(spec.get("role", "pilot"))
        if role not in ("pilot", "demonstration"):
            raise ValueError(f"{CATALOGUE.name}: {pid}: unknown role {role!r}")
        out[pid] = Programme(
            id=pid,
            name=str(spec.get("name", pid)),
            role=cast(Role, role),
            aliases=_strings(pid, spec, "aliases"),
            aliases_zh=_strings(pid, spec, "aliases_zh"),
            fallback=bool(spec.get("fallback", False)),
        )
    return out


@cache
def catalogue() -> dict[str, Programme]:
    """All programmes by id, in catalogue order (loaded once)."""
    with CATALOGUE.open("rb") as fh:
        return parse(tomllib.load(fh))


def tokens(text: str) -> tuple[str, ...]:
    """The lower-case words of a programme text, 'intellectual property' and 'IPR' as 'ip'."""
    return tuple(_TOKEN.findall(_IP.sub(" ip ", text).lower()))


def _fits(alias: str, words: tuple[str, ...]) -> bool:
    return all(any(w.startswith(a) for w in words) for a in alias.split())


def _fits_zh(alias: str, text: str) -> bool:
    return all(word in text for word in alias.split())


@lru_cache(maxsize=1024)
def resolve(text: str) -> str | None:
    """The id of the catalogued programme `text` names (most alias words win), or None.

    Text written in Chinese is matched with the Chinese aliases."""
    chinese = bool(_HAN.search(text))
    words = tokens(text)
    best: tuple[bool, int, int, str] | None = None
    for programme in catalogue().values():
        for alias in programme.aliases_zh if chinese else programme.aliases:
            rank = (not programme.fallback, len(alias.split()), len(alias) if chinese else 0)
            fits = _fits_zh(alias, text) if chinese else _fits(alias, words)
            if (best is None or rank > best[:3]) and fits:
                best = (*rank, programme.id)
    return best[3] if best else None
