"""Tests of span trimming, canonical names and partial-name resolution."""

from __future__ import annotations

import pytest
from searchlib.index.entities._normalise import resolve, resolve_people, trim_span

from searchlib import extract_entities


def _trim(text: str) -> str | None:
    span = trim_span(text, 0, len(text))
    return None if span is None else text[span[0]:span[1]]


@pytest.mark.parametrize("raw, trimmed", [
    ("the State Department", "State Department"),
    ("The Hague", "Hague"),
    ("China's", "China"),
    ("China\u2019s", "China"),
    ("Washington.", "Washington"),
    ("U.S.", "U.S."),
    ("Acme Corp.", "Acme Corp."),
    ("\u201cBeijing,", "Beijing"),
    ("(Reuters)", "Reuters"),
    ("World Health Organization (WHO", "World Health Organization"),
    ("Acme (UK) Holdings", "Acme (UK) Holdings"),
    ("the", "the"),  # a lone article is left alone rather than emptied
])
def test_trim_span(raw: str, trimmed: str) -> None:
    assert _trim(raw) == trimmed


def test_trim_span_empty() -> None:
    assert trim_span(" , ", 0, 3) is None


def test_resolve_people_short_form_takes_full_name_in_any_order() -> None:
    mapping = resolve_people(["Blinken", "Antony Blinken", "Zhou", "Zhou Lan"])
    assert mapping == {"Blinken": "Antony Blinken", "Zhou": "Zhou Lan"}


def test_resolve_people_leaves_ambiguous_short_forms() -> None:
    assert "Smith" not in resolve_people(["Smith", "Ann Smith", "Bob Smith"])


def test_resolve_people_matches_a_particle_capitalised_at_a_sentence_start() -> None:
    mapping = resolve_people(["Van Gogh", "Vincent van Gogh", "Ludwig van Beethoven"])
    assert mapping == {"Van Gogh": "Vincent van Gogh"}


def test_a_sentence_initial_particle_joins_the_full_name_in_an_article() -> None:
    found = extract_entities(["Vincent van Gogh and Ludwig van Beethoven were compared.",
                              "Van Gogh sold one painting."])
    assert [e.name for e in found[1] if e.kind == "person"] == ["Vincent van Gogh"]


def test_resolve_people_prefers_longest_containing_name() -> None:
    mapping = resolve_people(["Lee", "Anna Lee", "Anna Lee Park"])
    assert mapping["Lee"] == "Anna Lee Park"


def test_resolve_builds_entities_with_spans_and_names() -> None:
    paragraphs = [
        "Marek said the U.S. would act.",
        "Later, the State Department said Anna Marek\u2019s visit to Britain was off.",
    ]
    spans = [
        [("person", 0, 5), ("place", 11, 19)],  # "Marek", "the U.S."
        [("org", 7, 27), ("person", 33, 45), ("place", 55, 62)],
    ]
    out = resolve(paragraphs, spans)
    flat = [(e.kind, e.text, e.name) for para in out for e in para]
    assert flat == [
        ("person", "Marek", "Anna Marek"),
        ("place", "U.S.", "United States"),
        ("org", "State Department", "State Department"),
        ("person", "Anna Marek", "Anna Marek"),
        ("place", "Britain", "United Kingdom"),
    ]
    for para, ents in zip(paragraphs, out, strict=True):
        for e in ents:
            assert para[e.start:e.end] == e.text


def test_resolve_drops_titles_from_person_names_and_duplicate_spans() -> None:
    text = "Mr Tomas Vidal arrived."
    out = resolve([text], [[("person", 0, 14), ("person", 0, 14)]])
    assert [(e.text, e.name) for e in out[0]] == [("Mr Tomas Vidal", "Tomas Vidal")]


def test_resolve_names_are_the_same_across_articles() -> None:
    a = resolve(["The USA and Britain met."], [[("place", 4, 7), ("place", 12, 19)]])
    b = resolve(["United States, UK."], [[("place", 0, 13), ("place", 15, 17)]])
    assert [e.name for e in a[0]] == [e.name for e in b[0]]


def test_resolve_rejects_bad_input() -> None:
    with pytest.raises(ValueError):
        resolve(["one"], [])
    with pytest.raises(ValueError):
        resolve(["one"], [[("thing", 0, 3)]])
