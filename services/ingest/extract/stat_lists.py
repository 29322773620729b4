"""Value lists and their subject lists: in "432,000 and 229,000 for utility models and
designs, up 22.5% and 3.2% respectively" the k values take the k subjects in order.

The opening and ending words of a subject list come from `lexicon/stat_lists.toml`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import cache

from services.ingest.extract import lexicon

# Separators of list items: "A, B and C", "A and B", "A, B, and C".
LIST_GAP = re.compile(r"\s*(?:,|and|,\s*and)\s*")
_SPLIT = re.compile(r"\s*,\s*(?:and\s+)?|\s+and\s+")
_RESPECTIVELY = re.compile(r"\brespectively\b", re.I)
_YEAR = re.compile(r"(?:19|20)\d{2}")
_YEAR_LIST = re.compile(r"\b(?:19|20)\d{2}(?:\s*(?:,|and|,\s*and)\s*(?:19|20)\d{2}\b)+")
# "Xiamen, in Fujian province, and", "Suzhou, Jiangsu province, Hefei": a locative aside
_PROVINCE_ASIDE = re.compile(
    r",\s*(?:(?:in|of)\s+(?:the\s+)?(?:(?:[a-z-]+\s+)?China['’]s\s+)?(?P<p>[A-Z][a-z]+(?:\s+[Pp]rovince\b)?)"
    r"|(?P<q>[A-Z][a-z]+\s+[Pp]rovince\b))(?=\s*(?:,|and\b))"
)


def _words(key: str) -> str:
    found = sorted(lexicon.words("stat_lists", key), key=len, reverse=True)
    return "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in found)


@cache
def _grammar() -> tuple[re.Pattern[str], re.Pattern[str]]:
    opener = re.compile(rf"^\s*(?:(?:{_words('subject_openers')})\s+)?", re.I)
    ender = re.compile(rf"[;:.()]|\s*,?\s*\b(?:{_words('subject_enders')})\b", re.I)
    return opener, ender


@cache
def _verb_tail() -> re.Pattern[str]:
    """The reporting words between a subject list and its values ("... designs reached")."""
    return re.compile(rf"(?:\s+(?:{_words('subject_list_verbs')}))+\s*$", re.I)


_CLAUSE_START = re.compile(r"[;:]")
_RATE = r"(?:about\s+|nearly\s+|some\s+)?\d+(?:\.\d+)?\s*(?:%|percent\b)"
_RATES_TO = re.compile(
    rf"(?:\s+by)?\s+{_RATE}(?:\s*(?:,|and|,\s*and)\s*{_RATE})*"
    r"(?:\s+year[- ]on[- ]year)?\s+to\s*$",
    re.I,
)
_PARTICIPLES = re.compile(r"(?:\s+[a-z]+ed)+$")
_MAX_SUBJECT_WORDS = 6


@cache
def _continued() -> re.Pattern[str]:
    openers = "|".join(lexicon.words("stat_lists", "continued_list_openers"))  # regexes
    return re.compile(rf"^\s*(?:{openers})\b", re.I)


def continues_list(s: str) -> bool:
    """Whether a sentence goes on with the ranking before it ("It was followed by ...")."""
    return bool(_continued().match(s))


def _runs(s: str, spans: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
    """Index ranges [i, j] of values written one after another as a list."""
    runs, i = [], 0
    while i < len(spans):
        j = i
        while j + 1 < len(spans) and LIST_GAP.fullmatch(s[spans[j][1] : spans[j + 1][0]]):
            j += 1
        if j > i:
            runs.append((i, j))
        i = j + 1
    return runs


def listed_subjects(s: str, spans: Sequence[tuple[int, int]]) -> dict[int, str]:
    """The subject each value of a "respectively" list takes, by the value's index in
    `spans` (the values' positions in sentence `s`); values of no such list are absent."""
    if not _RESPECTIVELY.search(s):
        return {}
    out: dict[int, str] = {}
    for i, j in _runs(s, spans):
        k = j - i + 1
        pieces, verb = _share_head(_after(s[spans[j][1] :])), _clause_before(s, spans[i][0])
        if len(pieces) != k:
            # a clause opener may come first; the subjects hold their own verb
            pieces, verb = _before(s[: spans[i][0]])[-k:], ""
        if len(pieces) == k and all(pieces):
            # "China granted 921,000 and 2.09 million invention and utility model patents":
            # the subjects after a run take the verb before it
            pieces = [f"{verb} {p}".strip() for p in _share_modifier(pieces)]
            out.update({i + n: piece for n, piece in enumerate(pieces)})
    return out


def _clause_before(s: str, pos: int) -> str:
    """The words of a run's clause before its first value ("China granted")."""
    return s[max(s.rfind(",", 0, pos), s.rfind(";", 0, pos)) + 1 : pos].strip()


def shared_subjects(s: str, spans: Sequence[tuple[int, int]]) -> dict[int, int]:
    """The values of a "respectively" run that ends in one subject of its own ("Beijing and
    Shanghai were granted 107,900 and 44,000 invention patents, respectively"), by index,
    each with the index of the run's last value: the run pairs with other items and is one
    series, named by the words after its last value."""
    if not _RESPECTIVELY.search(s):
        return {}
    out: dict[int, int] = {}
    for i, j in _runs(s, spans):
        after = _after(s[spans[j][1] :])
        if len(after) == 1 and after[0] and len(_before(s[: spans[i][0]])) != j - i + 1:
            out.update(dict.fromkeys(range(i, j + 1), j))
    return out


def listed_places(
    s: str, spans: Sequence[tuple[int, int]], places: Sequence[tuple[int, int, str]]
) -> dict[int, str]:
    """The place each value of a "respectively" run takes from the list of as many places
    nearest before it ("Beijing and Shanghai granted 100,000 and 90,000 ..., respectively"),
    by the value's index in `spans`; `places` are (start, end, name) in text order."""
    if not _RESPECTIVELY.search(s):
        return {}
    out: dict[int, str] = {}
    for i, j in _runs(s, spans):
        group: list[tuple[int, int, str]] = []
        for place in (p for p in places if p[1] <= spans[i][0]):
            aside = _PROVINCE_ASIDE.match(s, group[-1][1]) if group else None
            if aside and aside.start(aside.lastgroup or 0) == place[0]:
                # "Xiamen, in Fujian province, and Ningbo": where the place before lies
                group[-1] = (group[-1][0], aside.end(), group[-1][2])
                continue
            joined = group and LIST_GAP.fullmatch(s[group[-1][1] : place[0]])
            group = [*group, place] if joined else [place]
        if len(group) == j - i + 1:
            out.update({i + n: name for n, (_, _, name) in enumerate(group)})
    return out


def listed_years(s: str, spans: Sequence[tuple[int, int]]) -> dict[int, int]:
    """The year each value of a "respectively" run takes from a list of as many years
    ("853.99 billion yuan and ... in 2022 and 2023, respectively"), by the value's index."""
    if not _RESPECTIVELY.search(s):
        return {}
    lists = [[int(y) for y in _YEAR.findall(m.group(0))] for m in _YEAR_LIST.finditer(s)]
    out: dict[int, int] = {}
    for i, j in _runs(s, spans):
        years = next((ys for ys in lists if len(ys) == j - i + 1), None)
        if years is not None:
            out.update({i + n: year for n, year in enumerate(years)})
    return out


def _share_modifier(pieces: list[str]) -> list[str]:
    """ "trademark applications and registrations": a bare activity head after a modified
    one takes its modifier (lexicon/stat_lists.toml, shared_modifier_heads)."""
    heads = frozenset(lexicon.words("stat_lists", "shared_modifier_heads"))
    first = pieces[0].split()
    if len(first) < 2 or first[-1].lower() not in heads:
        return pieces
    shared = " ".join(first[:-1])
    return [pieces[0]] + [
        f"{shared} {p}" if " " not in p and p.lower() in heads else p for p in pieces[1:]
    ]


def _share_head(pieces: list[str]) -> list[str]:
    """ "invention patent and trademark applications": singular modifiers before a plural
    head share that head (invention patent applications, trademark applications)."""
    last = pieces[-1].split() if pieces else []
    if len(pieces) < 2 or len(last) < 2 or not last[-1].lower().endswith("s"):
        return pieces
    if any(p.split()[-1].lower().endswith("s") for p in pieces[:-1] if p):
        return pieces  # "invention patents and trademark registrations" name their own heads
    return [f"{p} {last[-1]}" if p else p for p in pieces[:-1]] + [pieces[-1]]


def _after(tail: str) -> list[str]:
    """ "432,000 and 229,000 for utility models and designs": the subjects after a run."""
    opener, ender = _grammar()
    tail = tail[opener.match(tail).end() :]  # type: ignore[union-attr]  # always matches
    stop = ender.search(tail)
    return [p.strip() for p in _SPLIT.split(tail[: stop.start() if stop else len(tail)])]


def _before(head: str) -> list[str]:
    """ "invention patents, utility models and designs reached 210,000, 600,000 and 180,000
    respectively": the subjects before a run, in its clause, without the reporting verb."""
    cut = [m.end() for m in _CLAUSE_START.finditer(head)]
    head = head[cut[-1] if cut else 0 :]
    head = _RATES_TO.sub("", head)  # "... rose 15.3% and 22.2% to 921,000 and ..."
    verb = _verb_tail().search(head)
    if verb is None:
        return []
    pieces = [p.strip() for p in _SPLIT.split(head[: verb.start()])]
    if any(len(p.split()) > _MAX_SUBJECT_WORDS for p in pieces[1:]):
        return []
    # "invention patents, utility models and designs granted": the participle is every item's
    shared = _PARTICIPLES.search(pieces[-1])
    if shared is not None:
        pieces = [p if p.endswith(shared.group(0)) else p + shared.group(0) for p in pieces]
    return pieces
