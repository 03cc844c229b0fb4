"""Tests of the gazetteer: known names, their kinds and canonical forms."""

from __future__ import annotations

import pytest
from searchlib.index.entities import _gazetteer as gazetteer
from searchlib.index.entities._gazetteer import canonical, clean, kind_of, load, lookup


@pytest.mark.parametrize("text, kind", [
    ("Taiwan", "place"), ("United States", "place"), ("U.S.", "place"),
    ("France", "place"),  # pycountry
    ("Texas", "place"),  # pycountry subdivision
    ("Manchester", "place"),  # generated cities.tsv
    ("Reuters", "org"), ("State Department", "org"), ("UN", "org"),
    ("the State Department", "org"), ("China's", "place"), ("CHINA", "place"),
])
def test_kind_of_known_names(text: str, kind: str) -> None:
    assert kind_of(text) == kind


@pytest.mark.parametrize("text", ["Visits", "Qin", "Zzyzxland", "Chinese", "Monday"])
def test_kind_of_unknown(text: str) -> None:
    assert kind_of(text) is None


@pytest.mark.parametrize("alias, name", [
    ("US", "United States"), ("U.S.", "United States"), ("USA", "United States"),
    ("United States of America", "United States"), ("UK", "United Kingdom"),
    ("Britain", "United Kingdom"), ("UN", "United Nations"), ("EU", "European Union"),
    ("Russian Federation", "Russia"), ("South Korea", "South Korea"),
])
def test_canonical_aliases(alias: str, name: str) -> None:
    assert canonical(alias, "place" if name != "United Nations" and name != "European Union"
                     else "org") == name


def test_canonical_keeps_known_place_whatever_the_kind_but_not_for_people() -> None:
    assert canonical("US", "org") == "United States"
    assert canonical("Qin\u00a0Gang", "person") == "Qin Gang"
    # A person called like a place keeps the name as written.
    assert canonical("Jordan", "person") == "Jordan"


def test_canonical_title_cases_all_caps_headline_names() -> None:
    assert canonical("LEICESTERSHIRE", "org") == "Leicestershire"
    assert canonical("JOHN SMITH", "person") == "John Smith"
    assert canonical("PSV", "org") == "PSV"


def test_clean_normalises_quotes_and_spaces() -> None:
    assert clean("  Côte  d\u2019Ivoire \n") == "Côte d'Ivoire"


def test_lookup_returns_canonical_and_kind() -> None:
    assert lookup("Britain") == ("United Kingdom", "place")
    assert lookup("NEW YORK") == ("New York", "place")


def test_tables_loaded_once_and_sane() -> None:
    g = load()
    assert load() is g
    assert "Joe" in g.first_names and "the" in g.common and "visits" in g.common
    assert "title" in g.cues["President"] and "org" in g.cues["Ministry"]
    assert g.demonyms["Chinese"] == "China"
    assert g.demonyms["Korean"] == "Korea"  # derived from the country name
    assert "Reading" in g.weak or "York" in g.weak


def test_data_files_are_small() -> None:
    total = sum(p.stat().st_size for p in gazetteer.DATA_DIR.glob("*.tsv"))
    assert total < 2_000_000
