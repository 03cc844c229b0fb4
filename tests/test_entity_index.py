"""Entities across a real index: one name per person, aliases, roles found by search,
provenance, and ``reextract`` (round trip, resumption, CLI)."""

from __future__ import annotations

import json

import pytest
from searchlib.cli import main

import searchlib
from searchlib import Article, Index

QUERIES = ["", "Trump", "person:Trump", "minister", "Qin", 'person:"Qin Gang"', "org:Zorbex",
           "Baker", "place:Ankara", "talks"]


def corpus() -> list[Article]:
    """Synthetic articles (written for these tests) where names recur across articles."""
    arts = [
        Article(f"Talks number {n}", [
            "President Donald Trump met officials in Washington on Monday.",
            f"Donald Trump said round {n} of the talks went well.",
            "Recep Tayyip Erdoğan spoke to reporters in Ankara."], id=f"trump-{n}")
        for n in range(3)]
    arts += [
        Article("Trump returns", ["On Friday, Trump said the deal was close.",
                                  "Erdogan welcomed the news in Ankara."], id="short"),
        Article("Qin in Beijing", ["Foreign Minister Qin Gang met Antony Blinken in Beijing.",
                                   "The minister said China wanted stable ties."], id="qin"),
        Article("Zorbex results", ["Zorbex Corp reported higher profits on Monday.",
                                   "The company said sales rose 4 pct."], id="zorbex"),
        Article("Baker Corp hires", ["Baker Corp hired 200 workers in Ohio."], id="baker-org"),
        Article("James Baker speaks", [f"James Baker spoke about trade for the {k} time."
                                       for k in ("first", "second", "third")], id="baker-1"),
        Article("Baker again", ["On Friday, Baker said trade would grow."], id="baker-2"),
    ]
    return arts


def snapshot(ix: Index) -> dict:
    """What users see: hits (ids and entities) and facets of several searches, and entities."""
    out = {}
    for q in QUERIES:
        res = ix.search(q, limit=50)
        out[q] = ([(h.id, round(h.score, 4), h.entities) for h in res.hits],
                  {k: [(f.name, f.count) for f in v] for k, v in res.facets.items()})
    out["entities"] = [e.to_dict() for e in ix.entities(top=50)]
    return out


@pytest.fixture
def built(tmp_path) -> Index:
    ix = Index.create(tmp_path / "ix")
    report = ix.add_articles(corpus())
    assert report.added == len(corpus())
    yield ix
    ix.close()


def person_names(ix: Index, article_id: str) -> list[str]:
    return [n for p in ix.article(article_id).paragraphs for n in p.entities["person"]]


def test_surname_resolves_to_the_indexs_dominant_full_name(built) -> None:
    assert person_names(built, "short") == ["Donald Trump", "Recep Tayyip Erdoğan"]
    assert built.search("person:Trump").total == built.search('person:"Donald Trump"').total
    trump = next(e for e in built.entities(kind="person") if e.name == "Donald Trump")
    assert "Trump" in trump.aliases
    assert all(e.name != "Trump" for e in built.entities(kind="person", top=100))


def test_spelling_variants_fold_into_the_most_frequent(built) -> None:
    names = {e.name for e in built.entities(kind="person", top=100)}
    assert "Recep Tayyip Erdoğan" in names and "Erdogan" not in names


def test_a_surname_that_is_also_an_org_stays_apart(built) -> None:
    # "Baker" is the company Baker Corp in one article: the bare "Baker" is not merged
    # into "James Baker" (it names nobody in particular, so it is no person at all), and
    # the company keeps its own name.
    assert person_names(built, "baker-2") == []
    orgs = {e.name for e in built.entities(kind="org", top=100)}
    assert "Baker" in orgs
    assert "Baker" not in {e.name for e in built.entities(kind="person", top=100)}


def test_index_evidence_for_short_forms_and_kinds(tmp_path) -> None:
    arts = [Article(f"Visit {n}", [f"Donald Trump visited Ohio for the {n} time."],
                    id=f"dt-{n}") for n in range(4)]
    arts += [
        # the article names two Trumps: the index's dominant one is meant
        Article("Family", ["Donald Trump and Melania Trump arrived.", "Trump waved."],
                id="family"),
        # a bare surname nobody in the index has in full is dropped; a first name stays
        Article("Quarry", ["Vellacott said the quarry would close.", "Adele sang."],
                id="quarry"),
        # a "person" the index mostly holds as an organisation is that organisation
        Article("Airline", ["Pellam said fares would rise."], id="air"),
    ]
    arts += [Article(f"Pellam {n}", [f"Pellam Corp flew {n} routes."], id=f"zj-{n}")
             for n in range(3)]
    with Index.create(tmp_path / "ix") as ix:
        ix.add_articles(arts)
        assert person_names(ix, "family")[-1] == "Donald Trump"
        assert person_names(ix, "quarry") == ["Adele"]
        air = [p.entities for p in ix.article("air").paragraphs]
        assert [e["org"] for e in air] == [[], ["Pellam"]] and person_names(ix, "air") == []


def test_roles_are_found_by_the_persons_name(built) -> None:
    for q in ("Qin", 'person:"Qin Gang"'):
        texts = [h.text for h in built.search(q).hits]
        assert "The minister said China wanted stable ties." in texts, (q, texts)
    assert "The company said sales rose 4 pct." in [h.text for h in built.search("org:Zorbex")
                                                    .hits]


def test_entities_json_has_aliases(tmp_path, built, runner) -> None:
    res = runner.invoke(main, ["entities", "--index", str(built.path), "--kind", "person",
                               "--format", "json"])
    assert res.exit_code == 0, res.output
    rows = json.loads(res.output)
    trump = next(r for r in rows if r["name"] == "Donald Trump")
    assert "Trump" in trump["aliases"]
    text = runner.invoke(main, ["entities", "--index", str(built.path), "--kind", "person"])
    assert "also: " in text.output


def test_provenance_recorded_and_shown(built, runner) -> None:
    meta = json.loads((built.path / "searchlib.json").read_text())
    assert meta["extractor"] == "tagger" and meta["extractor_version"]
    assert len(meta["extractor_data"]) == 16
    st = built.stats()
    assert (st.extractor, st.extractor_version, st.extractor_data) == (
        "tagger", meta["extractor_version"], meta["extractor_data"])
    res = runner.invoke(main, ["stats", "--index", str(built.path)])
    assert meta["extractor_data"] in res.output


def test_reextract_equals_a_fresh_index(tmp_path) -> None:
    with Index.create(tmp_path / "fresh", extractor="tagger") as fresh:
        fresh.add_articles(corpus())
        expected = snapshot(fresh)
    with Index.create(tmp_path / "old", extractor="rules") as old:
        old.add_articles(corpus())
        before = snapshot(old)
        report = old.reextract("tagger")
        assert report.replaced == len(corpus()) and report.skipped == 0
        assert old.meta.extractor == "tagger"
        assert snapshot(old) == expected
    assert before != expected  # the two extractors differ here, so the test can fail
    with Index.open(tmp_path / "old") as again:
        assert snapshot(again) == expected and again.stats().extractor == "tagger"


def test_reextract_resumes_after_an_interruption(tmp_path) -> None:
    with Index.create(tmp_path / "fresh") as fresh:
        fresh.add_articles(corpus())
        expected = snapshot(fresh)
    ix = Index.create(tmp_path / "ix", extractor="rules")
    ix.add_articles(corpus())
    calls = []

    def stop_after_two(report) -> None:
        calls.append(report.replaced)
        if len(calls) == 2:
            raise KeyboardInterrupt

    with pytest.raises(searchlib.IngestInterrupted) as info:
        ix.reextract("tagger", batch_size=3, progress=stop_after_two)
    assert info.value.report.replaced == 6
    assert ix.stats().reextract_unfinished
    ix.close()
    with Index.open(tmp_path / "ix") as again:
        report = again.reextract("tagger", batch_size=3)
        assert (report.skipped, report.replaced) == (6, len(corpus()) - 6)
        assert not again.stats().reextract_unfinished
        assert snapshot(again) == expected


def test_reextract_cli(tmp_path, runner) -> None:
    where = str(tmp_path / "ix")
    with Index.create(where, extractor="rules") as ix:
        ix.add_articles(corpus())
    res = runner.invoke(main, ["reextract", "--index", where, "--extractor", "tagger"])
    assert res.exit_code == 0, res.output
    assert f"{len(corpus())} articles re-extracted with tagger" in res.output
    res = runner.invoke(main, ["reextract", "--index", where])  # up to date: nothing to do
    assert res.exit_code == 0, res.output
    assert f"0 articles re-extracted with tagger (0 paragraphs), {len(corpus())} already" \
        in res.output
    res = runner.invoke(main, ["reextract", "--index", where, "--extractor", "nope"])
    assert res.exit_code == 1
    assert res.output.count("\n") == 1 and "unknown entity extractor 'nope'" in res.output
    res = runner.invoke(main, ["reextract", "--index", str(tmp_path / "none")])
    assert res.exit_code == 1 and "no searchlib index" in res.output
