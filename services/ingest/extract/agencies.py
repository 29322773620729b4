"""Normalisation of issuing agencies: names as written -> stable ids, from agencies.toml."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

from events.types import Issuer
from services.ingest.extract.places import place_codes

UNKNOWN = "UNKNOWN"
_DATA = Path(__file__).with_name("agencies.toml")

_HAN = re.compile(r"[\u4e00-\u9fff]")
_APOSTROPHES = str.maketrans({"’": "'", "‘": "'"})
_PAREN_ABBR = re.compile(r"\s*\(\s*([A-Z][A-Za-z]{1,9})\s*\)\s*$")
_LEADING_THE = re.compile(r"^(?:the|The)\s+")
_NOISE = re.compile(r"\b(?:of (?:the )?(?:people's republic of china|prc|china))\b|[,.\"“”]")
_SPACES = re.compile(r"\s+")
_GO_PREFIX = re.compile(r"^general (?:affairs )?office of (?:the )?(?P<parent>.+)$", re.IGNORECASE)
_GO_SUFFIX = re.compile(r"^(?P<parent>.+?)(?:'s)? general (?:affairs )?office$", re.IGNORECASE)
_LOCAL_QUALIFIER = re.compile(
    r"^(?P<place>.+?)(?: (?:provincial|municipal|city|province|municipality))?"
    r"(?: people's)?$",
    re.IGNORECASE,
)
# Words that start national agency names; never a place of a local bureau.
_NOT_PLACES = "National|State|China|General|Central|Chinese|The|Ministry|People's|People’s"


@dataclass(frozen=True, slots=True)
class AgencyMention:
    """An agency name found in a text: its span, the name as written and the issuer."""

    start: int
    end: int
    issuer: Issuer


@dataclass(frozen=True, slots=True)
class _Tables:
    by_key: dict[str, str]
    by_abbr: dict[str, str]
    general_office: dict[str, str]
    kinds: dict[str, str]
    places: dict[str, str]  # lower-case place name -> code
    pattern: re.Pattern[str]


def _key(name: str) -> str:
    text = _LEADING_THE.sub("", name.translate(_APOSTROPHES).strip())
    text = _PAREN_ABBR.sub("", text).lower()
    text = _NOISE.sub(" ", text)
    text = _SPACES.sub(" ", text).strip()
    return text.removeprefix("china ").removeprefix("the ")


def _phrase(name: str) -> str:
    """A regex for a multi-word name that tolerates line breaks and either apostrophe."""
    words = [re.escape(w).replace("'", "['’]").replace("’", "['’]") for w in name.split()]
    return r"\s+".join(words)


@cache
def _tables() -> _Tables:
    # Loaded on first use, not at import: importing the extractor must not touch the disk.
    with _DATA.open("rb") as fh:
        data: dict[str, Any] = tomllib.load(fh)
    by_key: dict[str, str] = {}
    by_abbr: dict[str, str] = {}
    general_office: dict[str, str] = {}
    names: list[str] = []
    for agency in data["agency"]:
        aid = str(agency["id"])
        for name in agency.get("names", []):
            by_key[_key(name)] = aid
            names.append(name)
        for abbr in agency.get("abbreviations", []):
            by_abbr[str(abbr)] = aid
        general_office[aid] = str(agency.get("general_office", f"{aid}-GO"))
    kinds = {_key(k): kid for kid, forms in data["local_kinds"].items() for k in forms}
    places = place_codes()
    local_kinds = sorted(
        (f for forms in data["local_kinds"].values() for f in forms), key=len, reverse=True
    )
    core_names = sorted(names, key=len, reverse=True)
    known = "|".join(_phrase(n) for n in core_names)
    abbrs = "|".join(sorted(map(re.escape, by_abbr), key=len, reverse=True))
    local = (
        rf"(?!(?:{_NOT_PLACES})\b)[A-Z][a-z'’-]+(?:\s+(?!(?:{_NOT_PLACES})\b)[A-Z][a-z'’-]+)?"
        r"(?:\s+(?i:provincial|municipal|city))?(?:\s+(?i:people['’]s))?"
        rf"\s+(?i:{'|'.join(_phrase(k) for k in local_kinds)})"
    )
    core = rf"(?:(?i:China\s+)?(?:{known})|{local}|\b(?:{abbrs})\b)"
    go = r"(?:[Gg]eneral\s+(?:[Aa]ffairs\s+)?[Oo]ffice)"
    pattern = re.compile(
        rf"(?:{go}\s+of\s+(?:the\s+)?)?{core}"
        r"(?:\s+of\s+(?:the\s+)?(?:China|PRC|People['’]s\s+Republic\s+of\s+China)\b)?"
        r"(?:\s*\([A-Z][A-Za-z]{1,9}\))?"
        rf"(?:['’]s\s+{go})?"
    )
    return _Tables(by_key, by_abbr, general_office, kinds, places, pattern)


def _local_id(key: str, tables: _Tables) -> str | None:
    for kind_key, kind_id in sorted(tables.kinds.items(), key=lambda kv: -len(kv[0])):
        if key.endswith(" " + kind_key):
            head = key[: -len(kind_key) - 1].strip()
            m = _LOCAL_QUALIFIER.match(head)
            if not m or not m.group("place"):
                return None
            place = m.group("place").strip()
            code = tables.places.get(place) or place.upper().replace(" ", "_").replace("'", "")
            return f"{code}-{kind_id}"
    return None


def _resolve(name: str, tables: _Tables) -> str:
    bare = _LEADING_THE.sub("", name.translate(_APOSTROPHES).strip())
    if bare in tables.by_abbr:
        return tables.by_abbr[bare]
    key = _key(bare)
    if key in tables.by_key:
        return tables.by_key[key]
    for rx in (_GO_PREFIX, _GO_SUFFIX):
        # Matched on the original case: the parent may be a case-sensitive abbreviation.
        m = rx.match(_PAREN_ABBR.sub("", bare))
        if m:
            # A trailing "(CNIPA)" belongs to the parent, so resolve the parent with it.
            abbr = _PAREN_ABBR.search(bare)
            parent_name = m.group("parent") + (f" ({abbr.group(1)})" if abbr else "")
            parent = _resolve(parent_name, tables)
            if parent == UNKNOWN:
                return UNKNOWN
            if parent.endswith("-GOV"):
                return parent.removesuffix("-GOV") + "-GO"
            return tables.general_office.get(parent, f"{parent}-GO")
    local = _local_id(key, tables)
    if local:
        return local
    abbr = _PAREN_ABBR.search(bare)
    if abbr and abbr.group(1) in tables.by_abbr:
        return tables.by_abbr[abbr.group(1)]
    return UNKNOWN


@lru_cache(maxsize=1024)
def normalise_issuer(name: str) -> Issuer:
    """The issuer for an agency name as written (id UNKNOWN when it is not recognised).

    A name written in Chinese is read with the Chinese names (agencies_zh.py). Memoised: the
    same few agencies are named again and again, and an Issuer is immutable."""
    if _HAN.search(name):
        from services.ingest.extract.agencies_zh import normalise_issuer_zh  # imports this one

        return normalise_issuer_zh(name)
    written = _SPACES.sub(" ", _LEADING_THE.sub("", name.strip()))
    return Issuer(id=_resolve(written, _tables()), name=written)


def find_agencies(text: str, start: int = 0, end: int | None = None) -> list[AgencyMention]:
    """Every known agency named in `text[start:end]`, in text order."""
    stop = len(text) if end is None else end
    found: list[AgencyMention] = []
    for m in _tables().pattern.finditer(text, start, stop):
        found.append(AgencyMention(m.start(), m.end(), normalise_issuer(m.group(0))))
    return found
