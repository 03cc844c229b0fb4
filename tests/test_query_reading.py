"""How query words are read: stop words, case, aliases, demonyms, fuzzy and wildcard caps,
and the explanation of it all."""

from __future__ import annotations

import json
import re

import pytest
from searchlib.index._schema import build_schema
from whoosh import query

import searchlib
from searchlib._expand import MAX_EXPANSION, expand_multiterms
from searchlib._query import QueryParser, fuzzy_edits
from tests.shared import run


@pytest.fixture(scope="module")
def parser():
    return QueryParser(build_schema())


def terms(q) -> set[tuple[str, str]]:
    return {(f, t if isinstance(t, str) else t.decode()) for f, t in q.iter_all_terms()}


def test_a_stop_word_is_required_nowhere(parser):
    q, reading = parser.read("minister of health")
    assert not {t for f, t in terms(q) if t == "of"}
    assert reading.stop_words == ["of"]


def test_capitals_make_an_acronym_an_entity(parser):
    upper, lower = parser.parse("WHO"), parser.parse("who")
    assert ("org", "world") in terms(upper) and ("text", "who") not in terms(upper)
    assert ("text", "who") in terms(lower) and ("org", "world") not in terms(lower)
    assert ("place", "united") in terms(parser.parse("US"))
    with pytest.raises(searchlib.QueryError, match="only stop words"):
        parser.parse("us")


def test_a_capitalised_name_keeps_its_words_and_adds_its_entity(parser):
    found = terms(parser.parse("Iran"))
    assert {("text", "iran"), ("person", "iran"), ("place", "iran"),
            ("text", "iranian")} <= found
    assert ("text", "iranian") not in terms(parser.parse("iran"))


def test_field_queries_resolve_in_any_case(parser):
    for typed in ("place:USA", "place:usa", 'place:"U.S."', "place:America"):
        q, reading = parser.read(typed)
        assert ("place", "united") in terms(q), typed
        assert reading.resolved[0].name == "United States"
    assert ("place", "iran") in terms(parser.parse("place:Iranian"))  # a demonym
    assert terms(parser.parse("person:Qin")) == {("person", "qin")}  # not an alias


def test_the_tree_is_standard_whoosh_nodes(parser):
    allowed = (query.Term, query.Phrase, query.And, query.Or, query.Not, query.AndNot,
               query.FuzzyTerm, query.Wildcard, query.Prefix, query.Every)
    q = parser.parse('US OR "foreign ministry" NOT WHO place:UK semi* Blinkn~')
    stack = [q]
    while stack:
        node = stack.pop()
        assert isinstance(node, allowed), type(node)
        stack.extend(node.children())


@pytest.mark.parametrize("word, asked, allowed", [
    ("ab", 2, 0), ("o", 2, 0), ("oil", 2, 1), ("bank", 2, 1), ("taiwn", 2, 1),
    ("blinkn", 2, 2), ("blinkn", 1, 1),
])
def test_fuzzy_edits_depend_on_the_word_length(parser, word, asked, allowed):
    assert fuzzy_edits(word, asked) == allowed
    fuzzy = [n for n in parser.parse(f"{word}~{asked}").leaves()
             if n.fieldname == "text"]
    if allowed == 0:
        assert all(type(n) is query.Term for n in fuzzy)
    else:
        assert all(n.maxdist == allowed for n in fuzzy)


@pytest.fixture
def wide_index(tmp_path):
    """An index with 400 distinct words starting with "zq", each in its own paragraph."""
    ix = searchlib.Index.create(tmp_path / "wide")
    paras = [f"Report zq{i:03d}x about Taiwan" for i in range(400)]
    ix.add_articles([searchlib.Article("Wide", paras, id="wide")])
    yield ix
    ix.close()


def test_a_wide_wildcard_is_capped_with_a_notice(wide_index):
    results = wide_index.search("zq*", limit=5)
    assert results.total == MAX_EXPANSION
    assert len(results.notices) == 1 and "zq*" in results.notices[0]
    assert "400" in results.notices[0]
    narrow = wide_index.search("zq1*", limit=5)
    assert narrow.total == 100 and narrow.notices == []


def test_expansion_keeps_the_most_frequent_words(wide_index):
    s = wide_index._ix.searcher()
    try:
        q, notices = expand_multiterms(query.Prefix("text", "zq"), s.reader(), cap=10)
        assert len(list(q.leaves())) == 10 and notices
        q, notices = expand_multiterms(query.Prefix("text", "nothingatall"), s.reader())
        assert notices == [] and list(s.search(q)) == []
    finally:
        s.close()


def test_notices_in_json_and_text(runner, wide_index):
    index = str(wide_index.path)
    data = json.loads(run(runner, "search", "zq*", "--format", "json", "--index", index).output)
    assert data["notices"] and data["total"] == MAX_EXPANSION
    assert "note: zq*" in run(runner, "search", "zq*", "--index", index).output


def test_explain_in_the_library_json_and_cli(runner, examples_index):
    results = examples_index.search("the US and WHO", place="UK")
    ex = results.explain
    assert ex["stop_words"] == ["the", "and"]
    assert [(w["word"], w["reading"]) for w in ex["words"]] == [
        ("the", "stop word"), ("US", "acronym"), ("and", "stop word"), ("WHO", "acronym")]
    assert {r["name"] for r in ex["resolved"]} == {
        "United States", "World Health Organization", "United Kingdom"}
    assert "place:" in ex["searched"]
    index = str(examples_index.path)
    data = json.loads(run(runner, "search", "Taiwan", "--format", "json", "--index",
                          index).output)
    assert data["explain"]["words"][0]["fields"] == ["text", "person", "place", "org"]
    # alternatives the index does not hold (generated demonyms) are not shown
    assert "text:taiwan" in data["explain"]["searched"]
    assert "taiwaan" not in data["explain"]["searched"]
    out = run(runner, "search", "Secretary of State", "--place", "US", "--explain",
              "--index", index).output
    assert "How 'Secretary of State' was read:" in out
    assert "of                   stop word: dropped" in out
    assert "--place US → United States" in out
    assert "Secretary            words; looked up in text, person, place, org" in out


def test_a_phrase_holding_a_stop_word_acronym_keeps_the_entity(parser, examples_index):
    q, reading = parser.read('"US sanctions"')
    assert isinstance(q, query.And) and ("place", "united") in terms(q)
    assert [w.word for w in reading.words] == ["US"]
    assert terms(parser.parse('"US"')) == terms(parser.parse("US"))
    # on the examples: "U.S. Secretary of State" is the United States and the phrase
    both = {h.id for h in examples_index.search('"US Secretary of State"').hits}
    phrase = examples_index.search('"Secretary of State"').hits
    assert both == {h.id for h in phrase if re.search(r"\bU\.?S\b|United States", h.text)}
    assert both and len(both) < len(phrase)


def test_the_search_shown_follows_a_new_commit(tmp_path):
    # The terms shown are looked up once per searcher: a commit that adds a demonym's
    # generated form makes it part of what is shown next time.
    with searchlib.Index.create(tmp_path / "ix") as ix:
        ix.add_articles([searchlib.Article("One", ["Taiwan said no."], id="a1")])
        first = ix.search("Taiwan").explain["searched"]
        assert "text:taiwanes" not in first and "text:taiwan" in first
        ix.add_articles([searchlib.Article("Two", ["The Taiwanese said yes."], id="a2")])
        assert "text:taiwanes" in ix.search("Taiwan").explain["searched"]
