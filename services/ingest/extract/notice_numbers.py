"""Document numbers of notices as pages print them: "Guo Zhi Fa Yun Zi [2021] No. 15",
"国知办发运字〔2021〕15号", "CNIPA Announcement No. 12", "Office Letter No. 15 [2021]", in
parentheses or set off by commas after a title, or on a header line under it."""

from __future__ import annotations

import re

from services.ingest.extract.notice_titles import Candidate

_DOCNO = re.compile(
    r"(?:[A-Z][A-Za-z]*\.?[ ]+){1,6}?[\[〔【(（]\s*(?:19|20)\d{2}\s*[\]〕】)）]\s*"
    r"(?:No\.?\s*)?\d+(?:\s*(?:Hao|号))?"
    r"|[\u4e00-\u9fff]{1,12}[〔【\[]\s*(?:19|20)\d{2}\s*[〕】\]]\s*\d+\s*号"
    r"|(?:[A-Z][A-Za-z]*[ ]+){0,3}(?:Announcement|Order|Decree|Circular)[ ]+No\.?[ ]*\d+"
    # "CNIPA Office Letter No. 15 [2021]": the number before the bracketed year
    r"|(?:[A-Z][A-Za-z]*\.?[ ]+){1,6}?No\.?\s*\d+\s*[\[〔【(（]\s*(?:19|20)\d{2}\s*[\]〕】)）]"
)
# ", Guozhibanfa [2021] No. 15,": a number set off by commas right after the title
_COMMA_DOCNO = re.compile(rf"\s*,\s*({_DOCNO.pattern})\s*(?=[,.;]|$)")
_PAREN = re.compile(r"\s*[(（]([^()（）]{1,120})[)）]")


def after_title(text: str, cand: Candidate, limit: int) -> tuple[int, str | None]:
    """Skip parentheses after a title; return the position after them and a document number."""
    pos, number = cand.outer_end, None
    while True:
        m = _PAREN.match(text, pos, limit)
        if not m:
            if number is None and (c := _COMMA_DOCNO.match(text, pos, limit)):
                return c.end(), c.group(1).strip()
            return pos, number
        docno = _DOCNO.search(m.group(1))
        if docno and number is None:
            number = docno.group(0).strip()
        pos = m.end()


def header_docno(text: str, cand: Candidate) -> str | None:
    """A document number on one of the lines that follow a title standing on its own line."""
    line_start = text.rfind("\n", 0, cand.start) + 1
    line_end = text.find("\n", cand.outer_end)
    if text[line_start : cand.start].strip() or (
        line_end != -1 and text[cand.outer_end : line_end].strip()
    ):
        return None
    following = text[cand.outer_end :].lstrip("\n").split("\n", 4)[:4]
    for line in following:
        m = _DOCNO.fullmatch(line.strip())
        if m:
            return m.group(0)
    return None
