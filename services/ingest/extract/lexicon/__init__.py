"""The extractor's language data: TOML lexicon files shipped beside this module.

Each file holds one kind of data (scale words, period phrases, places, ...); stages read
them through `load`, which parses a file once, on first use, never at import time.
"""

from __future__ import annotations

import tomllib
from functools import cache
from pathlib import Path
from typing import Any

LEXICON_DIR = Path(__file__).resolve().parent


@cache
def load(name: str) -> dict[str, Any]:
    """The parsed lexicon file `<name>.toml`; a missing or malformed file names itself."""
    path = LEXICON_DIR / f"{name}.toml"
    try:
        with path.open("rb") as f:
            return tomllib.load(f)
    except FileNotFoundError:
        raise LookupError(f"no lexicon file {path}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ValueError(f"{path}: {exc}") from exc


@cache
def words(name: str, key: str) -> tuple[str, ...]:
    """A word list from a lexicon file, as a tuple in file order (checked once: stages ask
    for their lists per sentence)."""
    value = load(name)[key]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ValueError(f"{LEXICON_DIR / (name + '.toml')}: {key} must be a list of strings")
    return tuple(value)
