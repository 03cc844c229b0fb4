"""Tests of the optional spaCy extractor against a real model (skipped when none is installed)."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest
from searchlib.index.entities import Entity, get_extractor
from searchlib.index.entities._spacyner import SpacyExtractor, _relabel

from searchlib._errors import ExtractorError


def _skip_reason() -> str | None:
    try:
        import spacy  # noqa: F401
    except ImportError:
        return "spaCy is not installed (pip install 'searchlib[spacy]')"
    try:
        get_extractor("spacy", workers=1)
    except ExtractorError as exc:
        return f"no spaCy model installed: {exc}"
    return None


_REASON = _skip_reason()
needs_model = pytest.mark.skipif(_REASON is not None, reason=_REASON or "")


@pytest.fixture(scope="module")
def extractor():
    # Loading the model takes a second or two: once per module.
    ex = get_extractor("spacy", workers=2)
    yield ex
    ex.close()


def _found(paragraph: list[Entity]) -> set[tuple[str, str]]:
    return {(e.kind, e.text) for e in paragraph}


@needs_model
def test_kinds_of_people_places_and_organisations(extractor: SpacyExtractor) -> None:
    [found] = extractor.extract(
        ["Angela Merkel flew to Paris on Tuesday to meet the board of Siemens."]
    )
    assert ("person", "Angela Merkel") in _found(found)
    assert ("place", "Paris") in _found(found)
    assert ("org", "Siemens") in _found(found)


@needs_model
def test_gazetteer_makes_a_known_country_a_place(extractor: SpacyExtractor) -> None:
    [found] = extractor.extract(["Exports from Moldova and Kazakhstan fell sharply last year."])
    assert {("place", "Moldova"), ("place", "Kazakhstan")} <= _found(found)


@needs_model
def test_nationalities_are_not_places(extractor: SpacyExtractor) -> None:
    [found] = extractor.extract(["Chinese and Brazilian diplomats met on Monday."])
    assert not [e for e in found if e.text in ("Chinese", "Brazilian")]


@needs_model
def test_spans_have_no_leading_the_or_possessive(extractor: SpacyExtractor) -> None:
    paragraph = "The European Commission said Google's appeal would be heard in the United States."
    [found] = extractor.extract([paragraph])
    texts = {e.text for e in found}
    assert "European Commission" in texts
    assert "Google" in texts
    for e in found:
        assert paragraph[e.start:e.end] == e.text
        assert not e.text.lower().startswith("the ")
        assert not e.text.endswith("'s")


@needs_model
def test_all_capital_headlines_are_read(extractor: SpacyExtractor) -> None:
    [found] = extractor.extract(["FLOODS CLOSE ROADS ACROSS GERMANY"])
    assert ("place", "GERMANY") in _found(found)


@needs_model
def test_canonical_names(extractor: SpacyExtractor) -> None:
    paragraphs = [
        "Jacinda Ardern met trade officials from the US in Wellington.",
        "Later, Ardern said the talks had gone well.",
    ]
    first, second = extractor.extract(paragraphs)
    names = {e.text: e.name for e in first + second}
    assert names["US"] == "United States"
    assert names["Ardern"] == "Jacinda Ardern"
    assert [e.kind for e in second if e.text == "Ardern"] == ["person"]


@needs_model
def test_extract_many_keeps_order_in_worker_processes() -> None:
    people = ["Maria Lopez", "John Carter", "Akira Tanaka", "Fatima Bello", "Lars Nilsson"]
    cities = ["Madrid", "Chicago", "Osaka", "Lagos", "Oslo"]
    articles = [
        [f"{people[i % 5]} arrived in {cities[(i * 3) % 5]} on day {i}.", f"Report number {i}."]
        for i in range(90)  # 180 paragraphs: several chunks, so the pool is used
    ]
    ex = get_extractor("spacy", workers=2)
    try:
        results = list(ex.extract_many(articles))
        workers = list(ex._pool._processes.values())
        assert len(workers) == 2
        assert results == [ex.extract(article) for article in articles]
    finally:
        ex.close()
    assert ex._pool is None
    assert not any(process.is_alive() for process in workers)


@needs_model
def test_extract_many_of_few_articles_stays_in_process(extractor: SpacyExtractor) -> None:
    results = list(extractor.extract_many([["Lisbon is sunny."], []]))
    assert [[_found(p) for p in r] for r in results] == [[{("place", "Lisbon")}], []]


@needs_model
def test_unknown_model_is_a_clear_error() -> None:
    with pytest.raises(ExtractorError, match=r"no_such_model.*pip install 'searchlib\[spacy\]'"):
        get_extractor("spacy", model="no_such_model")


def test_importing_without_spacy_works_and_building_explains_install() -> None:
    # A None entry in sys.modules makes "import spacy" fail as if it were not installed.
    code = textwrap.dedent(
        """
        import sys
        sys.modules["spacy"] = None
        from searchlib.index.entities import get_extractor
        from searchlib._errors import ExtractorError
        try:
            get_extractor("spacy")
        except ExtractorError as exc:
            print(exc)
        """
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert "pip install 'searchlib[spacy]'" in out.stdout
    assert len(out.stdout.strip().splitlines()) == 1


def test_headline_phrases_need_the_body_or_the_gazetteer() -> None:
    from searchlib.index.entities._spacyner import _known_in_capitals

    paragraphs = ["REGAN DEPARTURE MAKES WAVES IN CHINA", "Donald Regan left on Friday."]
    head = paragraphs[0]
    spans = [[("person", 0, head.index(" WAVES")), ("place", head.index("CHINA"), len(head))],
             [("person", 0, 12)]]
    kept = _known_in_capitals(paragraphs, spans)
    assert kept == [[("place", head.index("CHINA"), len(head))], [("person", 0, 12)]]


def test_a_surname_is_forced_only_from_a_name_that_looks_like_a_persons() -> None:
    paragraphs = ["Make Melbourne a digital city.", "Melbourne voted.",
                  "George Washington spoke.", "Washington said more."]
    labelled = [[("PERSON", 0, 14)], [("GPE", 0, 9)], [("PERSON", 0, 17)], [("GPE", 0, 10)]]
    kinds = _relabel(paragraphs, labelled)
    assert kinds[1] == [("place", 0, 9)]  # not the person "Make Melbourne"
    assert kinds[3] == [("person", 0, 10)]  # the surname of George Washington
