"""Entities in the index: entity-field queries, facets and entity counts (issue 3)."""

from __future__ import annotations

import json
from collections import Counter

import numpy as np
import pytest
from click.testing import CliRunner
from searchlib.cli import main

from searchlib import Article, Index, SearchlibError
from searchlib import _facets as facets
from searchlib._facets import _tally


def test_person_qin_returns_paragraphs_with_qin_gang(seed_index):
    res = seed_index.search("person:Qin", limit=50)
    assert {h.paragraph for h in res.hits} == {0, 1, 2, 3, 9, 10}
    assert all("Qin Gang" in h.entities["person"] for h in res.hits)


def test_exact_name_and_aliases(seed_index):
    exact = {h.id for h in seed_index.search('person:"Qin Gang"', limit=50).hits}
    assert exact == {h.id for h in seed_index.search("people:qin", limit=50).hits}
    assert seed_index.search('person:"Gang Antony"').total == 0  # no phrase across two names
    assert seed_index.search('org:"State Department"').total == 1
    assert seed_index.search('organisation:"State Department"').total == 1


def test_place_taiwan_returns_the_two_taiwan_paragraphs(seed_index):
    res = seed_index.search("place:Taiwan")
    assert {h.paragraph for h in res.hits} == {3, 8}
    assert seed_index.search("location:taiwan").total == 2


def test_us_and_united_states_count_as_one_place(seed_index):
    places = {e.name: e for e in seed_index.entities(kind="place", top=50)}
    assert "United States" in places and "US" not in places and "U.S." not in places
    us = seed_index.search('place:"United States"', limit=50)
    texts = " ".join(h.text for h in us.hits)
    assert "United States" in texts and " US " in texts


def test_entities_ranks_qin_gang_and_blinken_first(seed_index):
    top = seed_index.entities(kind="person", top=5)
    assert {top[0].name, top[1].name} == {"Qin Gang", "Antony Blinken"}
    qin = next(e for e in top if e.name == "Qin Gang")
    assert qin.count == seed_index.search("person:Qin", limit=50).total
    assert qin.articles == 1


def test_entities_over_a_query(seed_index):
    names = [e.name for e in seed_index.entities("semiconductors", kind="person")]
    assert "Antony Blinken" in names and "Qin Gang" not in names
    with pytest.raises(SearchlibError, match="kind"):
        seed_index.entities(kind="animal")


def test_facets_count_all_matches_not_just_the_page(seed_index):
    res = seed_index.search("Blinken", limit=1)
    blinken = next(f for f in res.facets["person"] if f.name == "Antony Blinken")
    assert blinken.count == res.total > 1


def test_facets_and_counts_add_up_across_articles(tmp_path):
    ix = Index.create(tmp_path / "ix")
    ix.add_articles([
        Article("Talks in Washington", ["President Joe Biden met officials in the U.S. capital."],
                id="a"),
        Article("Biden speaks", ["Biden said the United States would act."], id="b"),
    ])
    places = {e.name: e for e in ix.entities(kind="place")}
    assert places["United States"].articles == 2
    people = {e.name: e for e in ix.entities(kind="person")}
    assert people["Joe Biden"].articles == 2


def test_entities_cli_json_and_text(tmp_path, seed_path):
    runner = CliRunner()
    ix = str(tmp_path / "ix")
    assert runner.invoke(main, ["index", str(seed_path), "--index", ix]).exit_code == 0
    res = runner.invoke(main, ["entities", "--kind", "person", "--format", "json",
                               "--index", ix])
    assert res.exit_code == 0, res.output
    data = json.loads(res.output)
    assert set(data[0]) == {"kind", "name", "count", "articles", "aliases"}
    assert {data[0]["name"], data[1]["name"]} == {"Qin Gang", "Antony Blinken"}
    text = runner.invoke(main, ["entities", "--index", ix, "--top", "3"]).output
    assert len(text.strip().splitlines()) == 3
    hits = runner.invoke(main, ["search", "Taiwan", "--index", ix]).output
    assert "place: " in hits and "Taiwan" in hits


def test_facets_and_entities_on_an_index_of_several_segments(tmp_path):
    ix = Index.create(tmp_path / "ix")
    for n in range(3):  # one commit, so one segment, each
        ix.add_articles([Article(f"Report {n}", ["President Joe Biden spoke in Paris."],
                                 id=f"a{n}")])
    assert len(list(ix._ix._segments())) > 1
    people = {e.name: e for e in ix.entities(kind="person")}
    assert people["Joe Biden"].count == 3 and people["Joe Biden"].articles == 3
    facets = ix.search("Paris").facets
    assert [(f.name, f.count) for f in facets["place"]] == [("Paris", 3)]


def test_no_hits_still_carry_the_three_facet_kinds(examples_index, runner):
    empty = {"person": [], "place": [], "org": []}
    res = examples_index.search("zzzunfindable")
    assert res.total == 0 and res.facets == empty
    assert res.to_dict()["facets"] == empty
    assert examples_index.search("Taiwan", facets=0).facets == empty
    out = runner.invoke(main, ["search", "zzzunfindable", "--format", "json", "--index",
                               str(examples_index.path)])
    assert out.exit_code == 0, out.output
    assert json.loads(out.output)["facets"] == empty
    found = examples_index.search("Taiwan").facets
    assert list(found) == ["person", "place", "org"] and found["place"]


@pytest.mark.parametrize("n_codes", [1, 40, 5000, 200_000])
def test_facet_tally_by_sorting_and_by_table_agree(n_codes):
    # A few codes are tallied by sorting them, many over the whole table: the same
    # distinct codes, counts and first places either way.
    rng = np.random.default_rng(n_codes)
    codes = rng.integers(0, 30_000, n_codes).astype(np.int32)
    named, n, first = _tally(codes, 30_000)
    want = sorted(set(codes.tolist()))
    assert named.tolist() == want
    listed = codes.tolist()
    counts = Counter(listed)
    firsts: dict[int, int] = {}
    for i, c in enumerate(listed):
        firsts.setdefault(c, i)
    assert n.tolist() == [counts[c] for c in want]
    assert first.tolist() == [firsts[c] for c in want]
    # Each way was taken by one of the sizes: the table way above 30,000 / 16 codes.


def test_facet_names_are_the_same_when_the_decoded_keys_start_afresh(examples_index,
                                                                      monkeypatch):
    ix = Index.open(examples_index.path)
    queries = ["", "Taiwan", "said", "minister"]
    want = [ix.search(q).facets for q in queries]
    ix.close()
    monkeypatch.setattr(facets, "_DECODED_KEYS", 1)  # emptied at every new name
    ix = Index.open(examples_index.path)
    assert [ix.search(q).facets for q in queries * 2] == want * 2
    assert any(want[0][kind] for kind in want[0])
