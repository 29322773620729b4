"""The language of a document, told by its script, and a width-normalised view of its text.

Chinese releases are told from English ones by the share of Han characters among the
letters of the text: no language model is needed for two languages with disjoint scripts.
"""

from __future__ import annotations

import re
import unicodedata

from events.upcasters import HAN, LATIN, script_language, script_shares

ENGLISH = "en"
CHINESE = "zh"
# A Chinese page quotes English names (WIPO, PCT); an English page may quote a Chinese
# title in 《》. Han characters each carry a word, so half the letters decides.
HAN_SHARE = 0.5


_PARAGRAPH = re.compile(r"[^\n]+")
_DIGIT = re.compile(r"\d")
# A paragraph is read in its own language only when it says something: a line of a few
# letters ("CNIPA", "2023年") follows the document.
MIN_LETTERS = 12
# A Han character says about as much as three Latin letters (a word is one or two of them),
# so a Chinese table label of four characters ("当年累计") tells its language.
HAN_WEIGHT = 3


def detect_language(text: str) -> str:
    """`zh` when Han characters make up at least half the letters of `text`, else `en`."""
    return CHINESE if script_language(text) == CHINESE else ENGLISH


def language_runs(text: str, language: str) -> list[tuple[int, int, str]]:
    """Stretches of `text` (whole lines) and the language each is written in, in order.

    A release printed in both languages is read paragraph by paragraph: lines too short to
    tell take the language of the document (`language`)."""
    if not HAN.search(text) or (language == CHINESE and not LATIN.search(text)):
        return [(0, len(text), language)]
    runs: list[tuple[int, int, str]] = []
    for m in _PARAGRAPH.finditer(text):
        han, letters = script_shares(m.group())
        lang = language
        if letters + (HAN_WEIGHT - 1) * han >= MIN_LETTERS:
            lang = CHINESE if han / letters >= HAN_SHARE else ENGLISH
        if runs and runs[-1][2] == lang:
            runs[-1] = (runs[-1][0], m.end(), lang)
        else:
            runs.append((m.start() if runs else 0, m.end(), lang))
    if not runs:
        return [(0, len(text), language)]
    runs[-1] = (runs[-1][0], len(text), runs[-1][2])
    return runs


def figure_lines(text: str) -> list[tuple[int, int]]:
    """The lines that hold figures and no letters ("4744"): the cells of a table printed in
    both languages belong to the labels of either."""
    return [
        (m.start(), m.end())
        for m in _PARAGRAPH.finditer(text)
        if _DIGIT.search(m.group()) and not HAN.search(m.group()) and not LATIN.search(m.group())
    ]


# Characters whose one-to-one folding differs from themselves, with their folding; filled
# with each character the first time a text holds it.
_FOLDS: dict[str, str] = {}
_SEEN: set[str] = set()


def _narrow(ch: str) -> str:
    folded = unicodedata.normalize("NFKC", ch)
    # Only one-to-one foldings keep offsets into the original text valid; "①" -> "1" is
    # kept, "㎡" -> "m2" is not.
    return folded if len(folded) == 1 else ch


def normalise_width(text: str) -> str:
    """NFKC applied character by character where it keeps the length (full-width digits,
    letters and punctuation become ASCII), so offsets into the result are offsets into `text`."""
    if text.isascii():
        return text
    chars = set(text)
    for ch in chars.difference(_SEEN):
        folded = _narrow(ch)
        if folded != ch:
            _FOLDS[ch] = folded
        _SEEN.add(ch)
    # One pass of str.replace per character to fold: a text holds few of them, and a fold is
    # already in NFKC, so no replacement makes another character to fold.
    for ch in chars.intersection(_FOLDS):
        text = text.replace(ch, _FOLDS[ch])
    return text
