"""Titles of policy documents: in curly or straight quotes, in 《》, or unquoted runs of
capitalised words, with the notice type that their head noun names (lexicon/notices.toml).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import cast

from events.types import NoticeType
from services.ingest.extract import lexicon
from services.ingest.extract.pattern_gates import starts_with

# Words after which a title's subject starts; the type head precedes the first of them.
TOPIC_WORD = re.compile(r"\s(?:of|on|for|to|under|about|regarding|concerning|with)\s")
_LAW = re.compile(r"\b(?:Law|Laws|Amendments?|Decision)\b")
_NAMED_LAW = re.compile(r"\b[A-Z][\w'’-]*\s+Law\b|\bLaw\s+of\s+the\b")
HEADLINE_VERB = re.compile(
    r"\b(?:Issues|Issued|Releases|Released|Unveils|Unveiled|Launches|Launched|Publishes"
    r"|Published|Rolls|Introduces|Announces|Adopts|Approves|Sets|Says|Sees|Makes|To|Will)\b"
)
_ORDINAL_START = re.compile(r"^\d+(?:st|nd|rd|th)\b")
_DOC_NUMBER_END = re.compile(r"\bNo\.?$|^\S+\s+(?:Announcement|Order|Decree)\s+No\b")

@cache
def _trailing_date() -> re.Pattern[str]:
    """A date or weekday the title's sentence puts right after it ("... on Oct 19, 2023")."""
    names = [n for names in lexicon.load("notices")["months"].values() for n in names]
    months = "|".join(sorted(map(re.escape, names), key=len, reverse=True))
    return re.compile(
        rf"\s+(?:on|in|dated)\s+(?:{months})\.?(?:\s+\d{{1,2}})?(?:,?\s+(?:19|20)\d{{2}})?$"
        r"|\s+(?:on|last|this|next)\s+(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)$"
    )
@dataclass(frozen=True, slots=True)
class Candidate:
    """A title found in a text, where it stands and the type its head noun names."""

    start: int
    end: int  # end of the title text itself
    outer_end: int  # after a closing quote
    title: str
    type: NoticeType


@dataclass(frozen=True, slots=True)
class _Words:
    types: dict[str, NoticeType]
    head: re.Pattern[str]
    head_alt: str
    legal: frozenset[str]
    field_labels: frozenset[str]
    not_titles: frozenset[str]
    not_start: re.Pattern[str]
    ordinal: re.Pattern[str]
    after_quote: re.Pattern[str]
    before_quote: re.Pattern[str]


def _alt(words: list[str]) -> str:
    return "|".join(
        r"\s+".join(map(re.escape, w.split())) for w in sorted(words, key=len, reverse=True)
    )


@cache
def words() -> _Words:
    """The notice lexicon compiled: type heads, legal heads and the words of non-titles."""
    lex = lexicon.load("notices")
    types = {str(k): cast(NoticeType, str(v)) for k, v in lex["heads"].items()}
    w = lex["words"]
    alt = _alt(list(types))
    return _Words(
        types=types,
        # the lookahead for the heads' first letters spares other positions the boundary test
        head=re.compile(rf"{starts_with(types)}\b(?:{alt})\b", re.IGNORECASE),
        head_alt=alt,
        legal=frozenset(w["legal_heads"]),
        field_labels=frozenset(w["field_labels"]),
        not_titles=frozenset(w["not_titles"]),
        not_start=re.compile(rf"^(?:{_alt(w['not_title_start'])})\b"),
        ordinal=re.compile(rf"^(?:{_alt(w['ordinals'])})\b", re.IGNORECASE),
        after_quote=re.compile(rf"\s*(?P<noun>{_alt(w['after_quote'])})\b", re.IGNORECASE),
        before_quote=re.compile(rf"\b(?:{_alt(w['before_quote'])})\s+(?:the\s+)?$", re.I),
    )


def head_alt() -> str:
    """The head nouns as a regex alternation (longest first)."""
    return words().head_alt


def title_type(title: str) -> NoticeType | None:
    """The type named by the head noun before the title's topic ('Measures' in 'Ten Measures')."""
    w = words()
    topic = TOPIC_WORD.search(title)
    prefix = title[: topic.start()] if topic else title
    if _LAW.search(prefix) or HEADLINE_VERB.search(prefix):
        # Legislation is not a policy notice; "China Issues Plan to ..." is a headline.
        return None
    heads = list(w.head.finditer(prefix))
    if not heads:
        return None
    if {" ".join(t.lower().split()) for t in (prefix, title)} & w.not_titles:
        return None  # "Government Work Report": a speech to a congress
    head = " ".join(heads[-1].group(0).lower().split())
    if head in w.legal and _NAMED_LAW.search(title):
        # "Regulations for the Implementation of the Trademark Law"; not "... Provisions on
        # the Application of Law in the Trial of ...", a court's interpretation
        return None
    return w.types[head]


def clean_title(raw: str) -> str:
    """A title without surrounding punctuation, a trailing date or a leading 'the'."""
    title = raw.strip().strip(".,;:").strip()
    title = _trailing_date().sub("", title)
    return title[4:] if title.startswith(("The ", "the ")) else title


def _not_a_title(title: str) -> bool:
    """'the Plan', '14th Five-Year Plan', 'Thirteenth Five-Year Plan', 'Per the Notice',
    'CNIPA Announcement No': anaphors, plan periods, phrases and document numbers."""
    w = words()
    return (
        len(title.split()) < 3
        # "14th Five-Year Plan" alone is a period; "... Plan for the Protection of IP" a title
        or (bool(_ORDINAL_START.match(title) or w.ordinal.match(title))
            and not TOPIC_WORD.search(title))
        or bool(w.not_start.match(title) or _DOC_NUMBER_END.search(title))
    )


def is_title(title: str) -> bool:
    """Whether a phrase with a type head can be a title (not 'the Plan', a plan period)."""
    return not _not_a_title(title)
