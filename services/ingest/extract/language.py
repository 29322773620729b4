"""The language of a document, told by its script, and a width-normalised view of its text.

Chinese releases are told from English ones by the share of Han characters among the
letters of the text: no language model is needed for two languages with disjoint scripts.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

ENGLISH = "en"
CHINESE = "zh"
# A Chinese page quotes English names (WIPO, PCT); an English page may quote a Chinese
# title in 《》. Han characters each carry a word, so half the letters decides.
HAN_SHARE = 0.5


def _is_han(ch: str) -> bool:
    o = ord(ch)
    return 0x4E00 <= o <= 0x9FFF or 0x3400 <= o <= 0x4DBF or 0xF900 <= o <= 0xFAFF


def detect_language(text: str) -> str:
    """`zh` when Han characters make up at least half the letters of `text`, else `en`."""
    han = letters = 0
    for ch in text:
        if ch.isalpha():
            letters += 1
            if _is_han(ch):
                han += 1
    if letters and han / letters >= HAN_SHARE:
        return CHINESE
    return ENGLISH


@lru_cache(maxsize=4096)
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
    return "".join(_narrow(ch) if not ch.isascii() else ch for ch in text)
