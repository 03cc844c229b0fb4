"""Every row of issue 11's table, on the corpus it was reported on: stop words, acronyms,
aliases and demonyms, operators next to phrases, phrase highlighting."""

from __future__ import annotations

import json
import re

import pytest
from searchlib.index.entities._gazetteer import canonical

from searchlib import QueryError
from tests.newsdesk import wikinews_index
from tests.shared import run


def ids(results) -> set[str]:
    return {h.id for h in results.hits}


def search(ix, q="", **kw):
    return ix.search(q, limit=10_000, facets=0, suggest=False, **kw)


@pytest.fixture(scope="module")
def wikinews(tmp_path_factory):
    return wikinews_index(tmp_path_factory)


# -- small words -------------------------------------------------------------------------

@pytest.mark.slow
def test_us_sanctions_finds_the_paragraphs_that_say_it(wikinews):
    # Wikinews never writes "US sanctions" as such: "United States sanctions", "the US ...
    # sanctions" are what it says
    found = search(wikinews, "US sanctions")
    say_it = {h.id for h in search(wikinews, "sanctions").hits
              if re.search(r"\bUS\b|\bU\.S\.|United States", h.text)}
    assert len(say_it) >= 3 and say_it == ids(found)
    assert any("United States sanctions" in h.text for h in found.hits)


@pytest.mark.parametrize("corpus, with_small, without", [
    pytest.param("wikinews", "Trump on Iran", "Trump Iran", marks=pytest.mark.slow),
    pytest.param("wikinews", "the Brexit deal", "Brexit deal", marks=pytest.mark.slow),
    pytest.param("wikinews", "minister of health", "minister health", marks=pytest.mark.slow),
    ("examples_index", "Secretary of State", "Secretary State"),
    ("examples_index", "Taiwan and Beijing", "Taiwan Beijing"),
])
def test_small_words_change_nothing(request, corpus, with_small, without):
    ix = request.getfixturevalue(corpus)
    got = search(ix, with_small)
    assert got.total > 0
    assert ids(got) == ids(search(ix, without))


@pytest.mark.slow
def test_minister_of_health_is_not_found_through_a_name_holding_of(wikinews):
    # "of" was required in the person field: "Tata Institute of Fundamental Research"
    for hit in search(wikinews, "minister of health").hits:
        assert re.search(r"minist", hit.text, re.I) and re.search(r"health", hit.text, re.I)


def test_us_alone_on_the_seed_finds_its_paragraphs_that_say_us(seed_index):
    got = search(seed_index, "US")
    article = seed_index.article(got.hits[0].article_id)
    say_us = {f"{article.id}#{p.paragraph}" for p in article.paragraphs
              if re.search(r"\bUS\b", p.text)}
    assert len(say_us) >= 5 and say_us <= ids(got)
    assert got.resolved == [{"field": None, "given": "US", "name": "United States",
                             "kind": "place", "from": "query"}]


@pytest.mark.parametrize("only_small", ["the", "of the", "us", "and or not", "Of The"])
def test_a_query_of_only_stop_words_is_a_clear_error(examples_index, only_small):
    with pytest.raises(QueryError, match="only stop words"):
        examples_index.search(only_small)


def test_only_stop_words_in_the_cli(runner, examples_index):
    out = run(runner, "search", "of the", "--index", str(examples_index.path), code=1)
    assert "only stop words (of, the)" in out.output and "Traceback" not in out.output


# -- operators next to phrases -----------------------------------------------------------

def test_operators_next_to_phrases_in_every_position(examples_index):
    ix = examples_index
    every = ids(search(ix, ""))
    taiwan, ministry = ids(search(ix, "Taiwan")), ids(search(ix, '"foreign ministry"'))
    blinken, qin = ids(search(ix, "Blinken")), ids(search(ix, '"Qin Gang"'))
    assert taiwan and ministry - taiwan and blinken & qin and blinken - qin
    assert ids(search(ix, 'Taiwan OR "foreign ministry"')) == taiwan | ministry
    assert ids(search(ix, '"foreign ministry" OR Taiwan')) == taiwan | ministry
    assert ids(search(ix, 'Blinken NOT "Qin Gang"')) == blinken - qin
    assert ids(search(ix, 'NOT "Qin Gang"')) == every - qin
    assert ids(search(ix, '"Qin Gang" AND Blinken')) == blinken & qin
    assert ids(search(ix, '("Qin Gang" OR Taiwan) AND NOT Blinken')) == (qin | taiwan) - blinken


def test_lower_case_operators_are_words(examples_index):
    # "and", "or", "not" are stop words: dropped, so the rest is AND-ed
    assert ids(search(examples_index, "Taiwan or Beijing")) == ids(
        search(examples_index, "Taiwan Beijing"))
    assert ids(search(examples_index, "Blinken not Qin")) == ids(
        search(examples_index, "Blinken Qin"))


@pytest.mark.parametrize("bad", ['Taiwan OR', '"foreign ministry" AND', 'OR "Qin Gang"'])
def test_dangling_operators_next_to_phrases_are_still_errors(examples_index, bad):
    with pytest.raises(QueryError, match="nothing"):
        examples_index.search(bad)


# -- aliases and demonyms ----------------------------------------------------------------

@pytest.mark.slow
@pytest.mark.parametrize("kwargs, canonical_kwargs", [
    ({"place": "US"}, {"place": "United States"}),
    ({"place": "UK"}, {"place": "United Kingdom"}),
    ({"org": "EU"}, {"org": "European Union"}),
    ({"org": "WHO"}, {"org": "World Health Organization"}),
    ({"place": "Turkey"}, {"place": canonical("Turkey", "place")}),
])
def test_entity_filters_resolve_aliases(wikinews, kwargs, canonical_kwargs):
    got = search(wikinews, **kwargs)
    assert got.total > 0
    assert ids(got) == ids(search(wikinews, **canonical_kwargs))
    (kind, given), = kwargs.items()
    if canonical_kwargs[kind] != given:
        assert got.resolved == [{"field": kind, "given": given, "name": canonical_kwargs[kind],
                                 "kind": kind, "from": "filter"}]


@pytest.mark.slow
def test_field_query_resolves_aliases(wikinews):
    usa = search(wikinews, "place:USA")
    assert usa.total > 0
    assert ids(usa) == ids(search(wikinews, 'place:"United States"')) == ids(
        search(wikinews, 'place:"U.S."')) == ids(search(wikinews, "", place="US"))
    assert usa.resolved[0]["name"] == "United States"


def test_org_ecb_on_the_examples(examples_index):
    got = search(examples_index, "", org="ECB")
    assert got.total > 0
    assert ids(got) == ids(search(examples_index, "", org="European Central Bank"))


def test_resolved_names_in_text_and_json(runner, examples_index):
    index = str(examples_index.path)
    out = run(runner, "search", "US", "--place", "USA", "--index", index).output
    assert "place: USA → United States" in out and "US → United States" in out
    data = json.loads(run(runner, "search", "", "--org", "ECB", "--format", "json",
                          "--index", index).output)
    assert data["resolved"] == [{"field": "org", "given": "ECB",
                                 "name": "European Central Bank", "kind": "org",
                                 "from": "filter"}]
    assert data["total"] > 0


@pytest.mark.slow
def test_coronavirus_WHO_means_the_organisation(wikinews):
    upper, lower = search(wikinews, "coronavirus WHO"), search(wikinews, "coronavirus who")
    assert upper.total > 0 and ids(upper) != ids(lower)
    for hit in upper.hits:
        assert ("World Health Organization" in hit.entities["org"]
                or re.search(r"\bWHO\b|World Health Organi[sz]ation", hit.text)), hit.text
    assert any(re.search(r"\bwho\b", h.text) and not re.search(r"\bWHO\b|World Health", h.text)
               for h in lower.hits)


@pytest.mark.slow
def test_demonyms_count_as_mentions_of_their_place(wikinews):
    got = search(wikinews, "Iran", person="Trump", since="2020-01", until="2020-01")
    assert got.total > 0
    assert any("Iranian" in h.text and not re.search(r"\bIran\b", h.text) for h in got.hits)
    by_place = search(wikinews, "", place="Iran")
    assert any("Iranian" in h.text and not re.search(r"\bIran\b", h.text)
               for h in by_place.hits)


# -- phrase highlighting -----------------------------------------------------------------

def test_phrase_highlighting_marks_only_the_phrase(examples_index):
    hits = search(examples_index, '"foreign ministry"').hits
    assert hits
    both = [h for h in hits if "Foreign Minister" in h.text]
    assert both, "an example paragraph has both 'Foreign Minister' and 'foreign ministry'"
    for hit in hits:
        marked = re.findall(r"<b>(.*?)</b>", hit.highlight)
        assert marked and all(m.lower().startswith("foreign ministr") for m in marked), marked
        for start, end in hit.matches:
            assert hit.text[start:end].lower().startswith("foreign ministr")


def test_phrase_with_a_stop_word_inside_is_marked_whole(examples_index):
    hits = search(examples_index, '"Secretary of State"').hits
    assert hits and all("<b>Secretary of State</b>" in h.highlight for h in hits)
