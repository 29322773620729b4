"""Sentence splitting that keeps character offsets into the original text.

Rules, in order:

* A blank line always ends a sentence, so headlines and document headers are sentences of
  their own.
* A single line break ends a sentence too, unless the line looks hard-wrapped: the line
  ends in a letter, digit, comma or hyphen and the next line starts in lower case.
* Inside a paragraph a sentence ends at `.`, `!` or `?` (plus closing quotes or brackets)
  followed by white space and an upper-case letter, a digit or an opening quote, except
  after abbreviations ("Jan.", "Sept.", "No.", "Mr.", "U.S.", single initials) and after
  function words ("a total of. CNY" is a stray full stop, not a sentence end).
* Decimals ("33.7") never split because no white space follows the point.
* Chinese text ends a sentence at 。！？ or ； (plus closing quotes or brackets) with no
  white space needed, and at an ASCII `!`, `?` or `;` that a Han character follows.

Spans are half-open `[start, end)` and trimmed of surrounding white space.
"""

from __future__ import annotations

import re
from functools import lru_cache

from events import Span

# Abbreviations after which a full stop does not end a sentence (compared lower case,
# without the final point).
_ABBREVIATIONS = frozenset(
    {
        "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec",
        "no", "nos", "mr", "mrs", "ms", "dr", "prof", "st", "co", "ltd", "inc", "corp",
        "vs", "approx", "art", "arts", "fig", "dept", "gov", "govt", "est", "e.g", "i.e", "doc",
        "docs", "para", "ref", "ch", "sec",
        "u.s", "u.k", "u.n", "p.r", "p.r.c", "cf", "vol", "op", "pp", "mln", "bln",
    }
)  # fmt: skip

# A sentence cannot end on these words, so a point after them is a typo or an ellipsis.
_FUNCTION_WORDS = frozenset(
    {"of", "the", "a", "an", "to", "for", "and", "or", "with", "by", "in", "at", "from", "on"}
)

# Longer sentences are cut at clause marks (see `_bounded`); real ones are far shorter.
MAX_SENTENCE = 2000
_CLAUSE_MARKS = (",", ";", ":", "，", "；", "：", "、")
_PARAGRAPH_BREAK = re.compile(r"\n[ \t\r\f\v]*\n\s*")
_LINE_BREAK = re.compile(r"[ \t\r\f\v]*\n[ \t\r\f\v]*")
_END = re.compile(r"[.!?](?:[\"'”’)\]]{0,2})(?=\s+[\"'“‘(\[]?[A-Z0-9])")
_WORD_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz.")
_CJK_END = re.compile(
    r"(?:[。！？；]|[!?;](?=[\u4e00-\u9fff]))[”’」』）)\]]{0,2}(?=[^”’」』）)\]。！？；]|$)"
)


def _paragraphs(text: str) -> list[tuple[int, int]]:
    """Blank-line separated blocks, then single lines unless a line looks hard-wrapped."""
    blocks: list[tuple[int, int]] = []
    start = 0
    for m in _PARAGRAPH_BREAK.finditer(text):
        blocks.append((start, m.start()))
        start = m.end()
    blocks.append((start, len(text)))
    lines: list[tuple[int, int]] = []
    for b_start, b_end in blocks:
        cur = b_start
        for m in _LINE_BREAK.finditer(text, b_start, b_end):
            before = text[cur : m.start()].rstrip()
            after = text[m.end() : m.end() + 1]
            wrapped = (
                bool(before) and (before[-1].isalnum() or before[-1] in ",-") and (after.islower())
            )
            if not wrapped:
                lines.append((cur, m.start()))
                cur = m.end()
        lines.append((cur, b_end))
    return lines


def _word_before(text: str, dot: int, para_start: int) -> str:
    """The run of ASCII letters and points that ends at `dot`, from its first letter."""
    # walked back by hand: a regex anchored at `dot` would scan the paragraph from its
    # start for every point, quadratic in a long paragraph
    i = dot
    while i > para_start and text[i - 1] in _WORD_CHARS:
        i -= 1
    while i < dot and text[i] == ".":
        i += 1
    return text[i:dot]


def _is_abbreviation(text: str, dot: int, para_start: int) -> bool:
    word = _word_before(text, dot, para_start)
    if not word:
        return False
    low = word.lower().rstrip(".")
    if low in _ABBREVIATIONS or low in _FUNCTION_WORDS:
        return True
    # Single initials ("J. Smith") and dotted acronyms ("U.S.") are not sentence ends.
    return (len(word) == 1 and word.isupper()) or "." in word.strip(".")


def split_sentences(text: str) -> list[Span]:
    """Split text into sentence spans over the original string (headlines included)."""
    spans: list[Span] = []
    for p_start, p_end in _paragraphs(text):
        cur = p_start
        for end in _ends(text, p_start, p_end):
            _add(text, cur, end, spans)
            cur = end
        _add(text, cur, p_end, spans)
    if any(sp.end - sp.start > MAX_SENTENCE for sp in spans):
        spans = [part for sp in spans for part in _bounded(text, sp)]
    return spans


def _bounded(text: str, span: Span) -> list[Span]:
    """A run-on sentence (a flattened table, a page without stops) cut into pieces of at
    most MAX_SENTENCE characters at clause marks, else at spaces: every fact carries its
    sentence, so one sentence of a thousand figures would be stored a thousand times."""
    out: list[Span] = []
    start = span.start
    while span.end - start > MAX_SENTENCE:
        limit = start + MAX_SENTENCE
        cut = max(text.rfind(mark, start, limit) for mark in _CLAUSE_MARKS) + 1
        if cut <= start:
            cut = text.rfind(" ", start, limit) + 1
        if cut <= start:
            cut = limit
        _add(text, start, cut, out)
        start = cut
    _add(text, start, span.end, out)
    return out


def _ends(text: str, p_start: int, p_end: int) -> list[int]:
    """Where sentences end inside one paragraph, in text order."""
    ends = [
        m.end()
        for m in _END.finditer(text, p_start, p_end)
        if not (text[m.start()] == "." and _is_abbreviation(text, m.start(), p_start))
    ]
    if not text.isascii():
        ends.extend(m.end() for m in _CJK_END.finditer(text, p_start, p_end))
        ends.sort()
    return ends


@lru_cache(maxsize=8)
def document_sentences(text: str) -> tuple[Span, ...]:
    """`split_sentences` shared by the extractors: statistics, notices and pilots all read the
    same document, so it is split once (a handful of recent documents is kept)."""
    return tuple(split_sentences(text))


def _add(text: str, start: int, end: int, out: list[Span]) -> None:
    # str.strip() drops exactly the characters str.isspace() accepts, in C.
    seg = text[start:end]
    body = seg.lstrip()
    start += len(seg) - len(body)
    end = start + len(body.rstrip())
    if end > start:
        out.append(Span(start=start, end=end))
