"""'Did you mean' suggestions from the index's own vocabulary (issue 4)."""

from __future__ import annotations

import pytest

from tests.newsdesk import wikinews_index


@pytest.mark.parametrize("query, expected", [
    ("Taiwn", "taiwan"),                         # a misspelt word
    ("person:Blinkn", "person:blinken"),         # a misspelt entity name
    ("place:Beijng", "place:beijing"),
    ("Blinken Taiwn", "Blinken taiwan"),         # only the unknown word is replaced
    ("ministy", "ministry"),                     # a stemmed field shows a real word
    ("Frankfrt", "frankfurt"),
])
def test_misspellings_get_the_right_suggestion(examples_index, query, expected):
    res = examples_index.search(query)
    assert res.total == 0
    assert res.suggestion == expected
    assert examples_index.search(res.suggestion).total > 0
    assert res.to_dict()["suggestion"] == expected


def test_no_suggestion_for_good_queries(examples_index):
    res = examples_index.search("Taiwan")
    assert res.total >= 3 and res.suggestion is None
    # a real but rare word is not "corrected"
    assert examples_index.search("Lagarde").suggestion is None
    assert examples_index.search("Taiwn", suggest=False).suggestion is None
    assert examples_index.search("").suggestion is None
    assert examples_index.search("xqzvw").suggestion is None  # nothing near it


def test_suggestion_respects_filters(examples_index):
    # "taiwan" finds nothing from Example Business either, so it is not worth suggesting
    assert examples_index.search("Taiwn", source="Example Business").suggestion is None
    assert examples_index.search("Taiwn", source="Example Wire").suggestion == "taiwan"


def test_seed_suggestions(seed_index):
    assert seed_index.search("Taiwn").suggestion == "taiwan"
    assert seed_index.search("person:Blinkn").suggestion == "person:blinken"
    assert seed_index.search("semiconductrs").suggestion == "semiconductors"


def test_wikinews_suggestions(tmp_path_factory):
    ix = wikinews_index(tmp_path_factory)
    assert ix.search("Trump").total > 10
    assert ix.search("person:Trmp").suggestion == "person:trump"
    assert ix.search("goverment").suggestion == "government"
