"""Rule-based statistics extraction: one small test per phenomenon, on invented sentences."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from events import StatisticPublished
from events.metrics import UNCLASSIFIED, get_metric, metric_ids
from services.ingest.extract.base import Document
from services.ingest.extract.metrics_match import match_metric
from services.ingest.extract.sentences import split_sentences
from services.ingest.extract.statistics import extract_statistics

PUBLISHED = date(2023, 5, 10)


def stats(text: str, published: date | None = PUBLISHED) -> list[StatisticPublished]:
    """The statistics payloads extracted from `text`."""
    out = []
    for fact in extract_statistics(Document(text, published=published)):
        assert isinstance(fact.payload, StatisticPublished)
        out.append(fact.payload)
    return out


def one(text: str, published: date | None = PUBLISHED) -> StatisticPublished:
    """The single statistic in `text`."""
    found = stats(text, published)
    assert len(found) == 1, [(s.metric, s.value, s.period.key) for s in found]
    return found[0]


# ----------------------------------------------------------------------------- sentences


def test_sentences_keep_offsets_and_do_not_split_abbreviations() -> None:
    text = (
        "Patent Numbers Climb in Spring\n\n"
        "BEIJING, Sept. 3 -- The office counted 33.7 billion yuan. It cited U.S. data "
        "and Doc. No. 5 of Jan. 2020. A second sentence ends here."
    )
    spans = split_sentences(text)
    got = [text[s.start : s.end] for s in spans]
    assert got == [
        "Patent Numbers Climb in Spring",
        "BEIJING, Sept. 3 -- The office counted 33.7 billion yuan.",
        "It cited U.S. data and Doc. No. 5 of Jan. 2020.",
        "A second sentence ends here.",
    ]


def test_sentences_join_hard_wrapped_lines_but_not_list_lines() -> None:
    text = "The office granted 12,000\npatents in 2020.\nTrademarks rose too."
    got = [text[s.start : s.end] for s in split_sentences(text)]
    assert got == ["The office granted 12,000\npatents in 2020.", "Trademarks rose too."]


# ----------------------------------------------------------------------------- periods


def test_full_year_period() -> None:
    s = one("In 2021, the office granted 512,300 invention patents.")
    assert (s.metric, s.period.key, s.value, s.unit) == (
        "invention_patents_granted",
        "2021",
        Decimal("512300"),
        "count",
    )


def test_quarter_period() -> None:
    s = one("In the second quarter of 2022, 1.2 million trademarks were registered.")
    assert (s.metric, s.period.key, s.value) == (
        "trademark_registrations",
        "2022-Q2",
        Decimal("1200000"),
    )


def test_half_year_period() -> None:
    s = one("In the first half of 2019, the agency received 31,200 PCT applications.")
    assert (s.metric, s.period.key) == ("pct_applications", "2019-H1")


def test_january_to_month_cumulative_period() -> None:
    s = one("From January to October 2020, patent pledge financing totalled 180.5 billion yuan.")
    assert (s.metric, s.period.key, s.value, s.unit) == (
        "ip_pledge_financing_amount",
        "2020-M01-M10",
        Decimal("180500000000"),
        "CNY",
    )


def test_abbreviated_month_range_and_first_three_quarters() -> None:
    a = one("In Jan.-Sept. 2016, design patent applications reached 512,000.")
    b = one("In the first three quarters of 2016, design patent applications reached 512,000.")
    assert a.period.key == b.period.key == "2016-M01-M09"


def test_single_month_period() -> None:
    s = one("In March 2021, Chinese applicants filed 4,350 Madrid applications.")
    assert (s.metric, s.period.key) == ("madrid_applications", "2021-M03-M03")


def test_as_of_end_of_month_stock() -> None:
    s = one("As of the end of May 2023, China had 4.5 million valid invention patents.")
    assert (s.metric, s.period.key, s.value) == (
        "valid_invention_patents",
        "2023-E05",
        Decimal("4500000"),
    )


def test_stock_stated_for_a_year_is_the_year_end_level() -> None:
    s = one("China's valid trademarks stood at 45.3 million in 2022.")
    assert (s.metric, s.period.key) == ("valid_trademarks", "2022-E12")


def test_by_the_end_of_last_year_resolves_against_the_publication_date() -> None:
    s = one("By the end of last year, valid trademarks numbered 42.1 million.")
    assert s.period.key == "2022-E12"


def test_this_year_and_last_year_use_the_publication_date() -> None:
    a = one("In the first half of this year, 410,000 invention patents were granted.")
    b = one("Last year, China granted 798,000 invention patents.")
    assert (a.period.key, b.period.key) == ("2023-H1", "2022")


def test_relative_year_without_publication_date_uses_the_preceding_year() -> None:
    text = (
        "The office reviewed its work in 2018. "
        "In the first half of this year, 20,500 PCT applications were received."
    )
    s = one(text, published=None)
    assert s.period.key == "2018-H1"


def test_the_same_period_carries_the_previous_sentence_period() -> None:
    text = (
        "In the first quarter of 2021, 200,000 invention patents were granted. "
        "During the same period, 7,000 PCT applications were received."
    )
    got = {(s.metric, s.period.key) for s in stats(text)}
    assert got == {("invention_patents_granted", "2021-Q1"), ("pct_applications", "2021-Q1")}


# ----------------------------------------------------------------------------- numbers and units


def test_scales_and_thousands_separators() -> None:
    text = (
        "In 2020, copyright industries added 7.5 trillion yuan. "
        "In 2020, 1,227,500 invention patents were granted. "
        "In 2020, patent insurance covered 64.38 million yuan."
    )
    values = sorted(s.value for s in stats(text) if s.value is not None)
    assert values == [Decimal("1227500"), Decimal("64380000"), Decimal("7500000000000")]


def test_chinese_yi_and_wan_units() -> None:
    text = (
        "In 2019, pledge financing in the city reached 35.6 100 million yuan. "
        "In 2019, patent insurance in the city covered 820 10,000 yuan."
    )
    values = sorted(s.value for s in stats(text) if s.value is not None)
    assert values == [Decimal("8200000"), Decimal("3560000000")]


def test_per_10k_people_and_months_units() -> None:
    text = (
        "At the end of 2022, China had 9.4 high-value invention patents per 10,000 people. "
        "In 2022, the average examination period for invention patents was 16.5 months."
    )
    got = {(s.metric, s.unit, s.value) for s in stats(text)}
    assert got == {
        ("high_value_invention_patents_per_10k_people", "per_10k_people", Decimal("9.4")),
        ("invention_patent_examination_period", "months", Decimal("16.5")),
    }


def test_usd_amounts() -> None:
    s = one("In 2019, China paid US$34.4 billion for imports of intellectual property royalties.")
    assert (s.metric, s.unit, s.value) == ("ip_royalties_import", "USD", Decimal("34400000000"))


def test_implausible_billion_count_is_flagged_as_scale_error() -> None:
    s = one("In 2021, patent and trademark pledge financing was 3120.4 billion yuan.")
    assert "suspected_scale_error" in s.flags


# ----------------------------------------------------------------------------- changes


@pytest.mark.parametrize(
    ("phrase", "amount", "kind", "direction"),
    [
        ("up 12.5%", "12.5", "percent", "up"),
        ("an increase of 12.5 percent", "12.5", "percent", "up"),
        ("a rise of 12.5 per cent", "12.5", "percent", "up"),
        ("a 12.5-percent increase", "12.5", "percent", "up"),
        ("down 3.2%", "3.2", "percent", "down"),
        ("a 3.2% decrease", "3.2", "percent", "down"),
        ("a drop of 3.2%", "3.2", "percent", "down"),
    ],
)
def test_change_wordings(phrase: str, amount: str, kind: str, direction: str) -> None:
    s = one(f"In 2022, China received 70,100 PCT applications, {phrase}.")
    assert s.reported_change is not None
    assert getattr(s.reported_change, kind) == Decimal(amount)
    assert s.reported_change.direction == direction
    assert s.reported_change.basis == "unspecified_prior_year"


@pytest.mark.parametrize(
    ("phrase", "basis"),
    [
        ("up 8% year on year", "year_on_year"),
        ("a year-on-year increase of 8%", "year_on_year"),
        ("up 8% from a year ago", "year_on_year"),
        ("up 8% over the previous year", "vs_previous_year"),
        ("up 8% over 2021", "vs_previous_year"),
        ("up 8% compared with 2019", "vs_2019"),
        ("up 8%", "unspecified_prior_year"),
    ],
)
def test_change_basis(phrase: str, basis: str) -> None:
    s = one(f"In 2022, the office granted 798,000 invention patents, {phrase}.")
    assert s.reported_change is not None
    assert s.reported_change.basis == basis


def test_percentage_points_change() -> None:
    text = (
        "In 2022, patent-intensive industries accounted for 12.9 percent of GDP, "
        "an increase of 0.4 percentage points over 2021."
    )
    s = one(text)
    assert s.metric == "patent_intensive_industries_gdp_share"
    assert s.reported_change is not None
    assert s.reported_change.percentage_points == Decimal("0.4")
    assert s.reported_change.basis == "vs_previous_year"


def test_absolute_change_in_base_units() -> None:
    text = (
        "In the first half of 2019, the deficit in IP royalties reached 14.2 billion US dollars, "
        "1.3 billion US dollars more than in the same period of 2018."
    )
    s = one(text)
    assert s.reported_change is not None
    assert s.reported_change.absolute == Decimal("1300000000")
    assert s.reported_change.basis == "year_on_year"


def test_change_before_value() -> None:
    s = one("In 2016, invention patent applications surged 18.2% to 655,000.")
    assert s.value == Decimal("655000")
    assert s.reported_change is not None
    assert s.reported_change.percent == Decimal("18.2")


def test_change_stated_as_a_multiple() -> None:
    text = (
        "In 2021, patent pledge financing in Ningbo was 5.1 billion yuan, an increase of 3 times."
    )
    s = one(text)
    assert s.reported_change is not None and s.reported_change.percent == Decimal("300")


def test_signed_rate_in_brackets_is_a_change() -> None:
    s = one("In 2023, invention patents granted: 921,000 (+15.3%).")
    assert s.reported_change is not None
    assert (s.reported_change.percent, s.reported_change.direction) == (Decimal("15.3"), "up")


def test_fold_increase_is_a_percent_change() -> None:
    text = (
        "By the end of 2022, 58,000 enterprises owned valid invention patents, a 2.1-fold increase."
    )
    s = one(text)
    assert s.metric == "enterprises_with_valid_invention_patents"
    assert s.reported_change is not None and s.reported_change.percent == Decimal("210")


def test_change_before_value_with_basis_in_between() -> None:
    text = (
        "From January to April 2024, patent pledge financing grew by 67.1 percent from the "
        "same period last year to 196.3 billion yuan."
    )
    s = one(text, published=date(2024, 5, 20))
    assert (s.period.key, s.value) == ("2024-M01-M04", Decimal("196300000000"))
    assert s.reported_change is not None and s.reported_change.basis == "year_on_year"


def test_basis_stated_after_the_value_carries_within_the_paragraph() -> None:
    text = (
        "Design patent grants fell 4.1% to 150,200 in the first quarter of 2023 versus a year "
        "ago. Utility model grants rose 2% to 520,000.\n\n"
        "PCT applications rose 3% to 17,000 in the first quarter of 2023."
    )
    bases = [s.reported_change.basis for s in stats(text) if s.reported_change]
    assert bases == ["year_on_year", "year_on_year", "unspecified_prior_year"]


def test_headline_rate_restating_the_body_is_not_a_second_fact() -> None:
    text = (
        "Invention Patent Grants Up 15% in 2023\n\n"
        "China granted 921,000 invention patents in 2023, up 15.3 percent year on year."
    )
    assert len(stats(text)) == 1


def test_growth_rate_without_a_value() -> None:
    text = (
        "IP royalty imports and exports totalled 380 billion yuan in 2022, "
        "up 3 percent, with exports of royalties up 14 percent year on year."
    )
    found = stats(text)
    growth = [s for s in found if s.value is None]
    assert len(found) == 2 and len(growth) == 1
    assert growth[0].metric == "ip_royalties_export"
    assert growth[0].reported_change is not None
    assert growth[0].reported_change.percent == Decimal("14")


def test_continuation_sentence_attaches_its_rate_to_the_previous_value() -> None:
    text = "In 2015, patent pledges totalled CNY 56 billion. This represents an increase of 35%."
    s = one(text)
    assert s.reported_change is not None and s.reported_change.percent == Decimal("35")


def test_respectively_maps_rates_in_order() -> None:
    text = (
        "In 2019, Ningbo recorded 61,000 patent applications and granted 35,000 patents, "
        "increasing by 9.5% and 12.1% respectively."
    )
    got = {(s.value, s.reported_change.percent if s.reported_change else None) for s in stats(text)}
    assert got == {(Decimal("61000"), Decimal("9.5")), (Decimal("35000"), Decimal("12.1"))}


# ----------------------------------------------------------------------------- hedges


@pytest.mark.parametrize(
    ("hedge", "qualifier"),
    [
        ("over", "at_least"),
        ("more than", "at_least"),
        ("exceeded", "at_least"),
        ("nearly", "approx_below"),
        ("almost", "approx_below"),
        ("about", "approx"),
        ("some", "approx"),
    ],
)
def test_hedges_on_values(hedge: str, qualifier: str) -> None:
    verb = "" if hedge == "exceeded" else "reached "
    s = one(f"In 2022, PCT applications {verb}{hedge} 70,000.")
    assert s.qualifier == qualifier


def test_less_than_on_a_realized_duration_is_approx_below() -> None:
    s = one("In 2020, the trademark examination period was shortened to less than 4 months.")
    assert (s.metric, s.qualifier, s.value) == (
        "trademark_examination_period",
        "approx_below",
        Decimal("4"),
    )


def test_hedge_on_a_change_goes_to_the_change() -> None:
    s = one("In 2022, 4.2 million trademarks were registered, up about 9 percent.")
    assert s.qualifier == "exact"
    assert s.reported_change is not None and s.reported_change.qualifier == "approx"


@pytest.mark.parametrize(
    ("words", "qualifier"), [("more than doubled", "at_least"), ("nearly doubled", "approx_below")]
)
def test_a_hedge_on_a_multiple_bounds_the_change(words: str, qualifier: str) -> None:
    s = one(f"In 2023, patent and trademark pledge financing {words} to 853.99 billion yuan.")
    assert s.value == Decimal("853990000000")
    change = s.reported_change
    assert change is not None and (change.percent, change.direction) == (Decimal("100"), "up")
    assert change.qualifier == qualifier


# ----------------------------------------------------------------------------- equivalents


def test_parenthetical_conversion_is_an_equivalent_not_a_second_fact() -> None:
    text = "In 2021, IP royalties trade reached 372 billion yuan (about 57.7 billion U.S. dollars)."
    s = one(text)
    assert (s.value, s.unit) == (Decimal("372000000000"), "CNY")
    assert s.equivalent is not None
    assert (s.equivalent.value, s.equivalent.unit, s.equivalent.qualifier) == (
        Decimal("57700000000"),
        "USD",
        "approx",
    )


# ----------------------------------------------------------------------------- geography


def test_national_figures_are_cn_and_city_figures_name_the_city() -> None:
    text = (
        "In 2020, China granted 530,000 invention patents. "
        "In 2020, Hangzhou recorded 41,200 patent applications."
    )
    got = {(s.geography, s.value) for s in stats(text)}
    assert got == {("CN", Decimal("530000")), ("Hangzhou", Decimal("41200"))}


def test_the_city_refers_to_the_city_named_before() -> None:
    text = (
        "Suzhou released its IP data for 2021. "
        "Patent pledge financing in the city reached 9.8 billion yuan."
    )
    s = one(text)
    assert (s.geography, s.period.key) == ("Suzhou", "2021")


# ----------------------------------------------------------------------------- metrics


@pytest.mark.parametrize("figure", ["1,240", "530"])
def test_subject_without_catalogue_metric_is_kept_as_unclassified(figure: str) -> None:
    s = one(f"In 2022, the number of IP mediation organisations reached {figure}.")
    assert s.metric == UNCLASSIFIED
    assert s.description is not None and "mediation" in s.description


def test_subsets_share_the_metric_of_their_total() -> None:
    text = (
        "In 2020, 11,000 PCT applications were received, of which 10,200 came from domestic firms."
    )
    assert {s.metric for s in stats(text)} == {"pct_applications"}


def test_share_of_a_total_gets_the_share_metric() -> None:
    text = (
        "In 2022, 1,320,000 high-value invention patents were held, of which 950,000 were in "
        "strategic emerging industries, accounting for 72 percent of the total."
    )
    got = {s.metric for s in stats(text) if s.unit == "percent"}
    assert got == {"high_value_invention_patents_strategic_emerging_share"}


@pytest.mark.parametrize(
    ("subject", "metric"),
    [
        ("the number of pledged patents and trademarks", "pledged_patents_and_trademarks"),
        ("patents and trademarks were pledged", "pledged_patents_and_trademarks"),
        ("the number of pledged invention patents", "pledged_invention_patents"),
        ("patent and trademark pledge projects", "ip_pledge_financing_items"),
    ],
)
def test_pledged_patents_and_trademarks_are_not_pledged_invention_patents(
    subject: str, metric: str
) -> None:
    found, _ = match_metric(subject, unit="count")
    assert found.id == metric


def test_catalogue_has_the_design_ids_units_and_kinds() -> None:
    ids = metric_ids()
    for metric_id in (
        "ip_pledge_financing_amount",
        "ip_pledge_financing_items",
        "patent_transfer_license_count",
        "ip_related_technology_contract_value",
        "invention_patents_granted",
        "valid_invention_patents",
        "pct_applications",
        "trademark_registrations",
        UNCLASSIFIED,
    ):
        assert metric_id in ids
    assert get_metric("valid_invention_patents").kind == "stock"
    assert get_metric("ip_pledge_financing_amount").unit == "CNY"


# ----------------------------------------------------------------------------- distractors


@pytest.mark.parametrize(
    "text",
    [
        "Under the plan, valid invention patents per 10,000 people will climb to 15 by 2025.",
        "Trademark applications are expected to reach 9 million at the end of the year.",
        "The province aims to raise pledge financing to 50 billion yuan.",
        "In its 14th Five-Year Plan, the state set a target of 90,000 PCT applications.",
        "The central budget will earmark 300 million yuan for each selected city.",
        "The city set up an IP operation fund of 1 billion yuan in 2021.",
        "Eight cities were selected as IP pilot cities in 2019.",
        "The notice, Guo Ban Fa [2020] No. 18, was issued on March 3, 2021.",
        "Patent holders can call the hotline 12345 to report infringement.",
        "The 5th session of the patent committee ranked the city 12th in 2020.",
        "Statutory damages for patent infringement range from RMB 10,000 to RMB 5 million.",
        "From 2016 to 2020, a total of 2.1 million invention patents were granted.",
        "In 2021, patent pledges grew at an average annual rate of 25% to 300 billion yuan.",
        "In 2022, Japan filed 48,000 PCT applications, down 3%.",
        "In 2022, Acme Technologies filed 5,000 PCT applications.",
        "The Patent Law has 82 articles and took effect on June 1, 2021.",
        "Ten Measures on IP pledge financing were released in 2020.",
    ],
)
def test_distractors_are_not_statistics(text: str) -> None:
    assert stats(text, published=date(2022, 6, 30)) == []


def test_milestone_followed_by_exact_value_keeps_only_the_value() -> None:
    text = (
        "In 2014, patent pledges topped CNY 40 billion for the first time, "
        "totaling CNY 48.9 billion."
    )
    s = one(text)
    assert s.value == Decimal("48900000000")


def test_milestone_alone_is_a_hedged_value() -> None:
    s = one("For the first time, pledge financing exceeded 300 billion yuan in 2021.")
    assert (s.value, s.qualifier) == (Decimal("300000000000"), "at_least")


def test_will_with_a_past_period_is_a_translation_artefact() -> None:
    text = "In 2022, the amount of patent pledge financing will be 480 billion yuan."
    s = one(text, published=date(2023, 11, 1))
    assert s.period.key == "2022"


# ----------------------------------------------------------------------------- provenance


def test_source_points_at_the_sentence_and_value_text() -> None:
    text = "Headline without numbers\n\nIn 2021, the office granted 512,300 invention patents."
    fact = extract_statistics(Document(text, published=PUBLISHED))[0]
    assert fact.source.value_text == "512,300"
    assert fact.source.sentence == "In 2021, the office granted 512,300 invention patents."
    assert fact.source.sentence_span is not None and fact.source.sentence_span.start == 26


def test_headline_repeating_the_body_is_one_fact() -> None:
    text = (
        "Invention Patent Grants Reached 512,300 in 2021\n\n"
        "In 2021, the office granted 512,300 invention patents, up 5%."
    )
    s = one(text)
    assert s.reported_change is not None


# ----------------------------------------------------------------------------- seed document

SEED = (
    Path(__file__).resolve().parents[2].parent
    / "shared"
    / "examples"
    / "cnipa-2020q1-pledge-financing.txt"
)


@pytest.mark.skipif(not SEED.exists(), reason=f"shared seed document absent: {SEED}")
def test_seed_document_yields_exactly_its_five_statistics() -> None:
    text = SEED.read_text(encoding="utf-8")
    got = {
        (
            s.metric,
            s.period.key,
            s.value,
            s.unit,
            s.reported_change.percent if s.reported_change else None,
            s.reported_change.direction if s.reported_change else None,
            s.reported_change.basis if s.reported_change else None,
            s.geography,
        )
        for s in stats(text, published=date(2020, 4, 25))
    }
    bare = "unspecified_prior_year"
    assert got == {
        ("ip_pledge_financing_amount", "2020-Q1", Decimal("33700000000"), "CNY",
         Decimal("15.5"), "up", bare, "CN"),
        ("ip_pledge_financing_items", "2020-Q1", Decimal("1633"), "count",
         Decimal("13.8"), "up", bare, "CN"),
        ("patent_transfer_license_count", "2019", Decimal("307000"), "count",
         Decimal("21.3"), "up", bare, "CN"),
        ("ip_pledge_financing_amount", "2019", Decimal("151500000000"), "CNY",
         Decimal("23.8"), "up", bare, "CN"),
        ("ip_related_technology_contract_value", "2019", Decimal("928690000000"), "CNY",
         Decimal("137.7"), "up", bare, "CN"),
    }  # fmt: skip
    assert len(stats(text, published=date(2020, 4, 25))) == 5


# ----------------------------------------------------------------------------- generality


def test_reached_up_to_is_a_value_not_a_cap() -> None:
    s = one("As of March 2021, valid invention patents in the country reached up to 3.2 million.")
    assert (s.metric, s.period.key, s.value) == (
        "valid_invention_patents", "2021-E03", Decimal("3200000"),
    )  # fmt: skip


def test_loans_of_up_to_stay_a_cap() -> None:
    assert stats("In 2021, banks offered patent pledge loans of up to 5 million yuan.") == []


def test_us_dollar_sign_after_a_space_keeps_the_hedge() -> None:
    s = one("In 2020, China's IP royalty trade was valued at over US $30 billion.")
    assert (s.unit, s.value, s.qualifier) == ("USD", Decimal("30000000000"), "at_least")


def test_per_10000_person_singular_is_a_per_capita_rate() -> None:
    s = one("In 2016, invention patents held by per 10,000 person reached 8.0, up 20%.")
    assert (s.metric, s.unit, s.value) == (
        "invention_patents_per_10k_people", "per_10k_people", Decimal("8"),
    )  # fmt: skip


def test_month_range_with_in_year_is_one_period() -> None:
    s = one(
        "From January to May in 2021, patent and trademark pledge financing reached "
        "80 billion yuan, up 40 percent year on year."
    )
    assert (s.metric, s.period.key) == ("ip_pledge_financing_amount", "2021-M01-M05")


def test_million_before_last_year_is_not_a_duration() -> None:
    s = one(
        "The number of valid invention patents in strategic emerging industries rose to "
        "1.1 million last year, up 12 percent year on year.",
        published=date(2023, 1, 10),
    )
    assert (s.metric, s.period.key, s.value) == (
        "strategic_emerging_industry_invention_patents", "2022-E12", Decimal("1100000"),
    )  # fmt: skip
    assert s.reported_change is not None and s.reported_change.percent == Decimal("12")


def test_highlighted_is_not_the_word_high() -> None:
    s = one(
        "The office highlighted that valid invention patents in strategic emerging "
        "industries stood at 900,000 by the end of 2021."
    )
    assert s.metric == "strategic_emerging_industry_invention_patents"


def test_patent_types_approved_or_authorized_in_a_list() -> None:
    got = [
        (s.metric, s.value)
        for s in stats(
            "In 2021, the office approved 600,000 invention patents, 3 million utility model "
            "patents and 700,000 design patents."
        )
    ]
    assert got == [
        ("invention_patents_granted", Decimal("600000")),
        ("utility_model_patents_granted", Decimal("3000000")),
        ("design_patents_granted", Decimal("700000")),
    ]
    got = [
        s.metric
        for s in stats(
            "In 2021, China authorized 600,000 invention patents, 3 million utility model "
            "patents and 700,000 design patents."
        )
    ]
    assert got == ["invention_patents_granted", "utility_model_patents_granted",
                   "design_patents_granted"]  # fmt: skip


def test_part_of_a_flow_stays_a_flow() -> None:
    got = [
        (s.metric, s.period.key, s.value)
        for s in stats(
            "In 2021, a total of 500,000 invention patents were granted, including "
            "400,000 domestic invention patents."
        )
    ]
    assert got == [
        ("invention_patents_granted", "2021", Decimal("500000")),
        ("invention_patents_granted", "2021", Decimal("400000")),
    ]


def test_gi_trademarks_and_authorized_users_are_their_own_series() -> None:
    got = [
        s.metric
        for s in stats(
            "In 2021, 80 geographical indication trademarks were registered, and 300 "
            "enterprises were authorized to use geographical indication products."
        )
    ]
    assert got == ["gi_trademarks_registered", "gi_authorized_users"]


def test_high_quality_is_high_value_per_10k() -> None:
    s = one("By the end of 2022, high-quality invention patents per 10,000 people reached 9.4.")
    assert (s.metric, s.value) == ("high_value_invention_patents_per_10k_people", Decimal("9.4"))


def test_registrations_of_a_stock_series_in_a_year_are_that_years_additions() -> None:
    got = [
        (s.metric, s.period.key)
        for s in stats("In 2020, 90 geographical indication products were approved.")
    ]
    assert got == [("gi_products_approved", "2020")]


def test_effective_trademark_registrations_are_the_valid_stock() -> None:
    s = one("In 2020, effective trademark registrations accumulated to 30 million.")
    assert (s.metric, s.period.key) == ("valid_trademarks", "2020-E12")


def test_re_examination_cases_concluded() -> None:
    s = one("In 2021, 50,000 patent re-examination cases were concluded.")
    assert s.metric == "patent_reexamination_invalidation_cases_concluded"
