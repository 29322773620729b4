"""The extractor's version: the package version plus a digest of its rules and data.

Every file of the extractor package (its rule modules and lexicon files, in any folder
below `services/ingest/extract/`), the metric catalogue `events/metrics.toml` and the
programme catalogue `events/programmes.toml` feed the digest, so any change to a rule, a
word list or an alias gives a new version, and facts recorded by different rules can be
told apart. Line endings are normalised, so a checkout with CRLF line endings has the same
version. The version is computed on first use, never at import time.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from functools import cache
from importlib import metadata
from pathlib import Path

from events import metrics, programmes

EXTRACT_DIR = Path(__file__).resolve().parent
CATALOGUE = Path(metrics.__file__).resolve().with_name("metrics.toml")
PROGRAMMES = programmes.CATALOGUE.resolve()
RULE_SUFFIXES = frozenset({".py", ".toml", ".json", ".yaml", ".yml", ".txt", ".csv"})
DIGEST_LENGTH = 12


def rule_files(
    extract_dir: Path = EXTRACT_DIR,
    catalogue: Path = CATALOGUE,
    programme_catalogue: Path = PROGRAMMES,
) -> list[Path]:
    """The files the version covers: the extractor package's rules and data, the catalogues."""
    found = [
        p
        for p in extract_dir.rglob("*")
        if p.is_file() and p.suffix in RULE_SUFFIXES and "__pycache__" not in p.parts
    ]
    found.sort(key=lambda p: p.relative_to(extract_dir).as_posix())
    return [*found, catalogue, programme_catalogue]


def rules_digest(files: Iterable[Path], root: Path = EXTRACT_DIR) -> str:
    """A short sha256 over the files' names (relative to `root`) and their contents."""
    h = hashlib.sha256()
    for path in files:
        name = path.relative_to(root).as_posix() if path.is_relative_to(root) else path.name
        h.update(name.encode("utf-8") + b"\0")
        h.update(path.read_bytes().replace(b"\r\n", b"\n") + b"\0")
    return h.hexdigest()[:DIGEST_LENGTH]


def package_version() -> str:
    """The installed ipmon distribution's version ("0" when it is not installed)."""
    try:
        return metadata.version("ipmon")
    except metadata.PackageNotFoundError:
        return "0"


@cache
def extractor_version() -> str:
    """`<package version>+rules.<digest>`, e.g. `0.1.0+rules.3f9c0a1b2d4e`."""
    return f"{package_version()}+rules.{rules_digest(rule_files())}"
