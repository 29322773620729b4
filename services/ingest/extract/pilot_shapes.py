"""The compiled sentence shapes of pilot designations, built from lexicon/pilots.toml."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import Any

from services.ingest.extract import lexicon
from services.ingest.extract.pattern_gates import starts_with


def alt(words: list[str] | tuple[str, ...]) -> str:
    return "|".join(
        r"\s+".join(map(re.escape, w.split())) for w in sorted(words, key=len, reverse=True)
    )


def _words_in(words: list[str]) -> re.Pattern[str]:
    """Any of `words`, case-blind, as whole words; searched over whole sentences, so a
    lookahead for their first letters spares other positions the word boundary test."""
    return re.compile(rf"{starts_with(words)}\b(?:{alt(words)})\b", re.I)


@cache
def awarded_verb() -> re.Pattern[str]:
    """The verbs of an honour ("awarded", "granted the title of"), compiled once."""
    return re.compile(alt(lexicon.words("pilots", "awarded")))


@dataclass(frozen=True, slots=True)
class Shapes:
    """The compiled sentence shapes of pilot designations."""

    passive: re.Pattern[str]
    again: re.Pattern[str]
    copula: re.Pattern[str]
    on_list: re.Pattern[str]
    became: re.Pattern[str]
    among: re.Pattern[str]
    them: re.Pattern[str]
    won: re.Pattern[str]
    launch_after: re.Pattern[str]
    launched_passive: re.Pattern[str]
    headline: re.Pattern[str]
    as_frame: re.Pattern[str]
    intro_before: re.Pattern[str]
    active_before: re.Pattern[str]
    build_before: re.Pattern[str]
    into_before: re.Pattern[str]
    into_after: re.Pattern[str]
    as_after: re.Pattern[str]
    in_before: re.Pattern[str]
    run_in: re.Pattern[str]
    establish: re.Pattern[str]
    awarded: re.Pattern[str]
    demonstration_awarded: re.Pattern[str]
    ceremony_before: re.Pattern[str]
    awarded_to: re.Pattern[str]
    operating_after: re.Pattern[str]


@dataclass(frozen=True, slots=True)
class _Parts:
    """Pieces the shapes after a subject share."""

    sel: str  # verbs of a selection
    sel_passive: str  # and those that designate only in the passive
    award: str  # verbs of an honour
    be: str  # forms of "to be" before a participle
    adv: str  # adverbs between them
    agency: str  # "... IP bureau" after a place: still the place
    when: str  # a time inside a clause
    aside: str  # a time or an aside that interrupts a clause


def _parts(lex: dict[str, Any]) -> _Parts:
    """The shared pieces, from the lexicon."""
    when = r"(?:in\s+(?:(?:[A-Z][a-z]+\s+)?(?:19|20)\d\d)|on\s+[A-Z][a-z]+(?:\s+\d{1,2})?)"
    return _Parts(
        sel=alt(lex["selected"]),
        sel_passive=alt([*lex["selected"], *lex["selected_passive"]]),
        award=alt(lex["awarded"]),
        be=r"(?:was|were|has\s+been|have\s+been|had\s+been|is|are|being|got|get|gets)",
        adv=r"(?:[a-z]+ly\s+|also\s+|just\s+|first\s+|newly\s+|later\s+|then\s+|again\s+)*",
        agency=rf"(?:\s*(?i:{alt(lex['agency_tail'])}))?",
        when=when,
        # "was in 2013 approved", "were, respectively, named", "in 2012 was approved"
        aside=rf"(?:\s+{when}|\s*,\s*[^,;]{{2,60}}?\s*,)?",
    )


def _designated(lex: dict[str, Any]) -> dict[str, re.Pattern[str]]:
    """Shapes of the verb after a subject that designates it: passive, frame, headline."""
    p = _parts(lex)
    sel, sel_passive, award, be, adv = p.sel, p.sel_passive, p.award, p.be, p.adv
    agency, when, aside = p.agency, p.when, p.aside
    return dict(
        passive=re.compile(
            # "X, which was approved as ...": a relative clause says the same
            rf"{agency}{aside}\s*,?\s+(?:(?:which|that)\s+)?"
            # "passed the acceptance inspection and was named ..."
            r"(?:passed\s+(?:the\s+)?(?:[\w-]+\s+){0,3}?and\s+)?"
            rf"{be}{aside}\s+{adv}(?P<verb>{sel_passive}|{award})\b"
            rf"(?:\s+by\s+[^,;]{{3,90}}?(?=(?:\s+{when})?\s+(?:as|to|among|into|in|for)\s))?"
            rf"(?:\s+{when}\b)?",
            re.I,
        ),
        # "As a national IP pilot city, Lishui ...", "Since becoming ...", "After being named
        # ...", "Having been selected as ...": the programme frames the place after it
        as_frame=re.compile(
            r"^\s*(?:As|Being|(?:Since|After)\s+(?:becoming|being)|Having\s+(?:been|become))"
            rf"\s+(?:(?:{sel}|{award})\s+)?(?:as\s+)?"
            r"(?=(?:an?|the|one\s+of\s+the)\s+[^,]{3,120},\s*$)"
        ),
        # a headline drops the verb "to be": "Suzhou Industrial Park named national IP ..."
        headline=re.compile(rf"{agency}\s+(?P<verb>{sel}|{award})\s+(?:as\s+|to\s+be\s+)?", re.I),
    )


def _after(lex: dict[str, Any]) -> dict[str, re.Pattern[str]]:
    """Shapes of the other words after a subject: again, became, among, won, launched."""
    p = _parts(lex)
    sel, award, be, adv, agency = p.sel, p.award, p.be, p.adv, p.agency
    return dict(
        again=re.compile(
            # "X, which was approved as A in 2012, became B in 2016": the relative clause ends
            rf"(?:\s+in\s+(?:19|20)\d{{2}})?(?:,?\s+(?:and|then)\s+|,\s+(?=(?:{be}\s+)?{adv}(?:{sel}|became)\b))"
            rf"(?:(?:{be}|later|then|also|in\s+(?:19|20)\d\d,?)\s+)*"
            rf"(?:{adv}(?:{sel}|{award}|became|become)\b(?:\s+(?:to|as|into))?|as\b)",
            re.I,
        ),
        copula=re.compile(
            rf"{agency}\s+(?:is|are|was|were|has\s+been|have\s+been|had\s+been)\s+(?:also\s+)?"
            r"(?:an?\s+|the\s+)?",
            re.I,
        ),
        on_list=re.compile(
            rf"{agency}\s+(?:have\s+|has\s+|also\s+)*(?:{alt(lex['on_list'])})\b", re.I
        ),
        became=re.compile(
            # "Zhongguancun, which became ...": a relative clause says the same
            # "announced that A and B would become ...": the decision, reported
            rf"{agency}\s*,?\s+(?:(?:which|that)\s+)?(?:has\s+|have\s+|had\s+|would\s+)?{adv}"
            # "have passed the evaluation and become ..."
            r"(?:passed\s+(?:the\s+)?(?:[\w-]+\s+){0,3}?and\s+)?"
            r"(?:became|become|becomes|joined|joins)\b",
            re.I,
        ),
        among=re.compile(
            rf"{agency}\s+{be}\s+{adv}(?:among|one\s+of|part\s+of|included\s+in)\b", re.I
        ),
    )


def _after_more(lex: dict[str, Any]) -> dict[str, re.Pattern[str]]:
    """Shapes after a subject of honours won, launches and purposes ("as", "to become")."""
    p = _parts(lex)
    be, adv, agency = p.be, p.adv, p.agency
    return dict(
        won=re.compile(
            rf"{agency}\s+(?:has\s+|have\s+|had\s+)?{adv}(?:{alt(lex['won'])})\s+", re.I
        ),
        them=re.compile(rf"\s+(?:{be}\s+)?(?:(?:one|part)\s+of|among)\s+them\b"),
        launch_after=re.compile(
            rf"{agency}\s+(?:has\s+|have\s+|had\s+)?{adv}(?:{alt(lex['launched'])})\s+", re.I
        ),
        into_after=re.compile(r"\s+into\s+"),
        as_after=re.compile(
            rf"{agency}\s+(?:(?:as(?:\s+one\s+of(?:\s+the)?)?|to\s+be|to\s+become|to\s+serve\s+as|to\s+carry\s+out"
            r"|to\s+launch|to\s+conduct|to\s+build|to\s+develop|to\s+establish|to\s+set\s+up)"
            r"\s+)?",
            re.I,
        ),
    )


def _before(lex: dict[str, Any]) -> dict[str, re.Pattern[str]]:
    """Shapes of the words before a list: intros, active verbs, "in", "launched in"."""
    sel, award = alt(lex["selected"]), alt(lex["awarded"])
    return dict(
        intro_before=re.compile(
            rf"(?:\b(?:{alt(lex['list_intro'])})|:|\s[-–—]+|[–—]+)\s*(?:the\s+)?$", re.I
        ),
        active_before=re.compile(
            rf"\b(?:(?:{sel}|{award}|{alt(lex['selecting'])})\s+(?:the\s+|an?\s+)?"
            r"|(?:approval|permission)\s+for\s+"
            # the act as a noun: "the official recognition of Shantou City as ..."
            r"|(?:recognition|approval|designation|selection|naming|listing)\s+of\s+)$",
            re.I,
        ),
        build_before=re.compile(
            r"\b(?:to\s+)?(?:build|building|develop|turn|make|construct|establish|set\s+up)\s+$",
            re.I,
        ),
        into_before=re.compile(r"\bto\s+(?:build|develop|turn|make)\s+$", re.I),
        in_before=re.compile(
            r"(?:\s+(?:located|to\s+be\s+set\s+up|set\s+up|based|established|built|opened))?"
            r"\s+in\s+(?:the\s+)?$",
            re.I,
        ),
        run_in=re.compile(
            r"\s+(?:(?:was|were|has\s+been|have\s+been|had\s+been|is|are|being)\s+)?"
            r"(?:(?:first|earlier|also|already|[a-z]+ly)\s+)*"
            # "... was expanded to A and B": the programme now runs there too
            rf"(?:{alt(lex['run_in'])})\s+(?:\w+\s+){{0,3}}?(?:in|to)\s+(?:the\s+)?$",
            re.I,
        ),
    )


def _cues(lex: dict[str, Any]) -> dict[str, re.Pattern[str]]:
    """Cue words of establishments and honours, and shapes of work going on."""
    award = alt(lex["awarded"])
    return dict(
        establish=_words_in(lex["establish"]),
        awarded=_words_in(lex["award_cues"]),
        demonstration_awarded=_words_in(lex["demonstration_award_cues"]),
        # "The ... model city title was awarded to A and B", "... was conferred on A"
        awarded_to=re.compile(
            r"\b(?:was|were|has\s+been|have\s+been|had\s+been|is|are)\s+(?:[a-z]+ly\s+|also\s+)*"
            rf"(?:{award})\s+(?:up)?(?:on|to)\s+(?:the\s+(?:cities|city|districts?|zones?)\s+of\s+)?$",
            re.I,
        ),
        ceremony_before=re.compile(
            r"\blaunch(?:ing)?\s+ceremony\s+(?:was\s+held\s+)?in\s+(?:the\s+)?$", re.I
        ),
        operating_after=re.compile(
            r"\b(?:is|are)\s+(?:located|in\s+operation|operating|running)\b|\bopened\b"
            r"|\b(?:put|went|came)\s+into\s+(?:operation|service)|\b(?:began|started)\s+operati"
            r"|\binaugurated\b|\bunveiled\b",
            re.I,
        ),
        launched_passive=re.compile(
            r"\s*,?\s+(?:(?:was|were|has\s+been|have\s+been|is|are|being)\s+)?(?:[a-z]+ly\s+)*"
            rf"(?:{alt(lex['launched'])})\b",
            re.I,
        ),
    )


@cache
def shapes() -> Shapes:
    """All shapes, compiled once on first use."""
    lex = lexicon.load("pilots")
    return Shapes(
        **_designated(lex), **_after(lex), **_after_more(lex), **_before(lex), **_cues(lex)
    )
