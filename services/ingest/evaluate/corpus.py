"""Labelled corpus files, the choice of passages to score, and the fixed hold-out.

The hold-out is the part of a corpus that is scored but never inspected while tuning the
extractor: a passage belongs to it when the SHA-256 digest of its id (UTF-8), read as a
big-endian integer, is divisible by 5. The rule looks at nothing but the id, so a
passage's side never changes when passages are added, removed, reordered or moved to
another file, and about one passage in five is held out.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from fnmatch import fnmatchcase
from pathlib import Path
from typing import Any, Literal

HoldoutChoice = Literal["include", "only", "exclude"]
HOLDOUT_MODULUS = 5


class CorpusError(ValueError):
    """A corpus file that cannot be read as a list of labelled passages."""


def is_holdout(passage_id: str) -> bool:
    """Whether a passage belongs to the fixed hold-out (sha256 of its id divisible by 5)."""
    digest = hashlib.sha256(passage_id.encode("utf-8")).digest()
    return int.from_bytes(digest, "big") % HOLDOUT_MODULUS == 0


@dataclass(frozen=True, slots=True)
class Passage:
    """One labelled record, the file it came from and its id."""

    id: str
    file: str
    record: dict[str, Any]

    @property
    def holdout(self) -> bool:
        """Whether this passage belongs to the fixed hold-out."""
        return is_holdout(self.id)


@dataclass(frozen=True, slots=True)
class Selection:
    """Which passages to score: id glob patterns and the hold-out choice."""

    only: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    holdout: HoldoutChoice = "include"

    def keeps(self, passage_id: str) -> bool:
        """Matches an --only pattern (if any), no --exclude pattern, and the hold-out choice."""
        if self.only and not any(fnmatchcase(passage_id, p) for p in self.only):
            return False
        if any(fnmatchcase(passage_id, p) for p in self.exclude):
            return False
        if self.holdout == "include":
            return True
        return is_holdout(passage_id) == (self.holdout == "only")

    def describe(self) -> str:
        """The selection in words, for report headers."""
        parts = [f"only {', '.join(self.only)}"] if self.only else []
        if self.exclude:
            parts.append(f"excluding {', '.join(self.exclude)}")
        if self.holdout == "only":
            parts.append("hold-out only")
        elif self.holdout == "exclude":
            parts.append("hold-out excluded")
        return "; ".join(parts) or "all passages"


def read_corpus(path: Path) -> list[Passage]:
    """The passages of one corpus file (a JSON list); ids default to the 1-based position."""
    try:
        records = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise CorpusError(f"{path}: {exc}") from None
    if not isinstance(records, list) or not all(isinstance(r, dict) for r in records):
        raise CorpusError(f"{path}: expected a JSON list of passages")
    return [Passage(str(r.get("id", i + 1)), str(path), r) for i, r in enumerate(records)]


def load_passages(paths: list[Path], selection: Selection | None = None) -> list[Passage]:
    """The selected passages of several corpus files, in file order; ids must be unique."""
    chosen = selection or Selection()
    seen: dict[str, str] = {}
    out: list[Passage] = []
    for path in paths:
        for passage in read_corpus(path):
            if passage.id in seen:
                raise CorpusError(
                    f"{path}: passage id {passage.id!r} also occurs in {seen[passage.id]}"
                )
            seen[passage.id] = passage.file
            if chosen.keeps(passage.id):
                out.append(passage)
    return out
