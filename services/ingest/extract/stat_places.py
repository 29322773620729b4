"""The place of a statistic of a sentence: its item in a list of places, the place its
sentence names, the city whose site published the page, or the place a local release keeps
speaking of; else China (CN)."""

from __future__ import annotations

from services.ingest.extract.stat_geography import geography, places_in, site_place
from services.ingest.extract.stat_model import Sentence, State
from services.ingest.extract.stat_text import lc, lower, words

_NATIONAL = lc(
    words("China", "Chinese", "national", "nationwide", "the country", "mainland") + r"\b"
)


def geography_for(ctx: Sentence, pos: int, state: State) -> str:
    """The place of the statistic at `pos`: named in the sentence, the city whose site
    published the page, or the place a local release keeps speaking of; else CN."""
    geo = geography(ctx.s, pos, state)
    site = site_place(ctx.doc.url) if geo == "CN" else None
    if site is not None and not _NATIONAL.search(lower(ctx.s)):
        return site  # a city's own site reports the city's figures
    if geo == "CN" and state.last_stats and ctx.national is None:
        ctx.national = bool(_NATIONAL.search(lower(ctx.s)))
    if geo == "CN" and not ctx.national and state.last_stats:
        # A local release goes on about the same place until a national cue appears.
        last_geo = state.last_stats[-1].geography
        if last_geo != "CN":
            return last_geo
    return geo


def listed_place(
    places: dict[int, str], listed: dict[int, str], idx: int, state: State
) -> str | None:
    """The place of a value's own item in a "respectively" list ("in Beijing and Shanghai
    reached 30 and 25 billion yuan respectively")."""
    found = places_in(listed[idx]) if idx in listed else ()
    name = places.get(idx) or (found[-1][2] if found else None)
    return state.places.get(name, name) if name else None
