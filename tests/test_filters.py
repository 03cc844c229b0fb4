"""Filters (issue 4): people, places, organisations, dates and source, alone and combined."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from searchlib import Filters, QueryError
from searchlib._aliases import demonyms, surface_forms
from searchlib._filters import parse_date_bound
from tests.newsdesk import DATED, article_ids, dated_index, ids, wikinews_index


@pytest.mark.parametrize("value, start, end", [
    ("2023-06-14", dt.date(2023, 6, 14), dt.date(2023, 6, 14)),
    ("2023-06", dt.date(2023, 6, 1), dt.date(2023, 6, 30)),
    ("2024-02", dt.date(2024, 2, 1), dt.date(2024, 2, 29)),   # leap year
    ("2023", dt.date(2023, 1, 1), dt.date(2023, 12, 31)),
    (" 2023-6-1 ", dt.date(2023, 6, 1), dt.date(2023, 6, 1)),
])
def test_date_bound_forms(value, start, end):
    assert parse_date_bound(value) == start
    assert parse_date_bound(value, end=True) == end


@pytest.mark.parametrize("value", ["2023-13", "2023-02-30", "June 2023", "23", "2023-06-14x",
                                   ""])
def test_bad_date_bounds_are_one_line_query_errors(value):
    with pytest.raises(QueryError) as e:
        parse_date_bound(value)
    assert "\n" not in str(e.value)


def test_since_after_until_is_an_error():
    with pytest.raises(QueryError, match="after"):
        Filters.of(since="2023-07", until="2023-06")


@pytest.fixture
def dated(tmp_path):
    ix = dated_index(tmp_path / "dated")
    yield ix
    ix.close()


@pytest.mark.parametrize("since, until, expected", [
    ("2023-06-01", "2023-06-30", {"june-start", "june-end"}),           # days, inclusive
    ("2023-06", "2023-06", {"june-start", "june-end"}),                 # a month
    ("2023", "2023", {"y2023-start", "may-end", "june-start", "june-end", "july-start",
                      "y2023-end"}),                                    # a year
    ("2023-05-31", None, {"may-end", "june-start", "june-end", "july-start", "y2023-end",
                          "y2024-start"}),                              # open end
    (None, "2022", {"y2022-end"}),                                      # open start
    ("2023-06-30", "2023-07", {"june-end", "july-start"}),              # mixed forms
])
def test_inclusive_date_bounds(dated, since, until, expected):
    res = dated.search("cranes", since=since, until=until, limit=100)
    assert article_ids(res) == expected
    assert res.total == 2 * len(expected)  # headline and first paragraph name the cranes


def test_date_filter_excludes_undated_articles(dated):
    assert "undated" in article_ids(dated.search("cranes", limit=100))
    assert "undated" not in article_ids(dated.search("cranes", since="1900", limit=100))
    assert "undated" not in article_ids(dated.search("cranes", until="2100", limit=100))


def test_date_objects_work_as_bounds(dated):
    res = dated.search("", since=dt.date(2023, 6, 1), until=dt.date(2023, 6, 30), limit=100)
    assert article_ids(res) == {"june-start", "june-end"}


def test_source_filter_is_whole_name_any_case(dated):
    gazette = {a for a, d in DATED.items() if d}
    assert article_ids(dated.search("", source="port gazette", limit=100)) == gazette
    assert article_ids(dated.search("", source="PORT GAZETTE", limit=100)) == gazette
    assert dated.search("", source="port").total == 0


def test_entity_filters_match_as_field_queries(examples_index):
    for kwargs, query in [({"person": "Blinken"}, "person:Blinken"),
                          ({"person": "Qin Gang"}, 'person:"Qin Gang"'),
                          ({"place": "taiwan"}, "place:Taiwan"),
                          ({"org": "State Department"}, 'org:"State Department"')]:
        filtered = examples_index.search("", limit=100, sort="relevance", **kwargs)
        assert filtered.total > 0, kwargs
        assert set(ids(filtered)) == set(ids(examples_index.search(query, limit=100))), kwargs


def test_repeated_names_must_all_hold(examples_index):
    both = examples_index.search("", person=["Blinken", "Qin"], limit=100)
    assert both.total > 0
    assert all({"Antony Blinken", "Qin Gang"} <= set(h.entities["person"]) for h in both.hits)
    only_blinken = examples_index.search("", person="Blinken", limit=100).total
    assert both.total < only_blinken


def test_filters_combine_with_the_query_and_each_other(examples_index):
    res = examples_index.search("Taiwan", person="Blinken", since="2023-06-15", limit=100)
    assert res.total == 1
    hit = res.hits[0]
    assert "Taiwan" in hit.text and "Antony Blinken" in hit.entities["person"]
    assert hit.date >= dt.date(2023, 6, 15)
    assert res.filters == {"person": ["Blinken"], "since": "2023-06-15"}
    # the names filtered on are highlighted like query terms
    assert "<b>Blinken</b>" in hit.highlight and "<b>Taiwan</b>" in hit.highlight
    res = examples_index.search("", place="Taiwan", source="example wire", limit=100)
    assert article_ids(res) == {"ex-jsonl-001"}
    assert examples_index.search("Taiwan", source="Example Business").total == 0


def test_empty_query_with_filters_lists_newest_first(examples_index):
    res = examples_index.search("", place="Beijing", limit=100)
    assert res.sort == "newest" and res.total > 2
    dates = [h.date for h in res.hits]
    assert dates == sorted(dates, reverse=True)


def test_nameless_filter_is_an_error(examples_index):
    with pytest.raises(QueryError):
        examples_index.search("", person="--")


def test_seed_filters(seed_index):
    assert {h.paragraph for h in seed_index.search("Taiwan", person="Qin").hits} == {3}
    assert seed_index.search("Taiwan", since="2023-06-14", until="2023-06-14").total == 2
    assert seed_index.search("Taiwan", since="2023-06-15").total == 0
    assert seed_index.search("Taiwan", until="2023-06-13").total == 0
    assert seed_index.search("", org="State Department").total == 1


def test_wikinews_filters_alone_and_combined(tmp_path_factory):
    ix = wikinews_index(tmp_path_factory)
    place = ix.entities(kind="place", top=1)[0].name
    person = next(e.name for e in ix.entities(kind="person", top=5) if e.count > 20)
    by_place = ix.search("", place=place, limit=10_000)
    assert by_place.total == len(by_place.hits) > 100
    assert set(ids(by_place)) == set(ids(ix.search(f'place:"{place}"', limit=10_000)))
    # a phrase may sit inside a longer name ("United States Virgin Islands"), as in queries;
    # a demonym ("American") or another of its names in the text counts as a mention
    names = "|".join(re.escape(n).replace(r"\ ", r"\W+")
                     for n in demonyms(place) | surface_forms(place, "place"))
    said = re.compile(rf"(?<!\w)(?:{names})s?(?!\w)", re.IGNORECASE)
    # (or inside another entity's name: "U.S. Senate", "US Chess Federation")
    assert all(any(place in name for name in h.entities["place"]) or said.search(h.text)
               or any(said.search(n) for names in h.entities.values() for n in names)
               for h in by_place.hits)
    assert any(not any(place in name for name in h.entities["place"]) for h in by_place.hits)
    in_2020 = ix.search("", since="2020", until="2020", limit=10_000)
    assert in_2020.total > 0
    assert all(h.date and h.date.year == 2020 for h in in_2020.hits)
    combined = ix.search("", place=place, since="2020", until="2020-06", limit=10_000)
    expected = {h.id for h in by_place.hits
                if dt.date(2020, 1, 1) <= h.date <= dt.date(2020, 6, 30)}
    assert set(ids(combined)) == expected and expected
    people = ix.search("", person=person, limit=10_000)
    assert people.total > 20
    assert all(any(person in name for name in h.entities["person"]) for h in people.hits)


def test_a_filter_used_again_is_kept_and_gives_the_same_hits(dated):
    from searchlib._ranked import FILTER_CACHED_AFTER

    june = {"since": "2023-06", "until": "2023-07"}
    # A narrow query first, then a broader one with the same filter: the documents kept
    # must be all of the filter's, not those of the query it was first met with.
    asks = [("inspected", june), ("inspected", june), ("report", june), ("cranes", june),
            ("cranes", {"source": "port gazette"}), ("", {"since": "2023"})]

    def answers() -> list:
        return [(ids(dated.search(q, limit=100, **f)), dated.search(q, **f).total)
                for q, f in asks]

    dated.engine = "whoosh"  # the reference path
    expected = answers()
    dated.engine = None
    for _ in range(FILTER_CACHED_AFTER + 1):  # kept once met FILTER_CACHED_AFTER times
        assert answers() == expected
    # A commit makes a new searcher: what was kept goes with the old one.
    before = article_ids(dated.search("cranes", limit=100, **june))
    gone = sorted(before)[0]
    dated.delete(gone)
    assert article_ids(dated.search("cranes", limit=100, **june)) == before - {gone}
