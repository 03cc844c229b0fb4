"""Fast tests of the benchmark's corpus loaders, query translations and peers, on tiny inputs."""

from __future__ import annotations

import datetime as dt
import gzip
import importlib.util
import sys
from pathlib import Path

import pytest

# benchmarks/ is not an installed package: import it from the repository root.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks import corpora, queries, reuters  # noqa: E402

# A two-document SGML snippet in the shape of Reuters-21578 (written for this test).
SGML = """<!DOCTYPE lewis SYSTEM "lewis.dtd">
<REUTERS TOPICS="YES" LEWISSPLIT="TRAIN" NEWID="7">
<DATE> 5-MAR-1987 09:10:11.12</DATE>
<TOPICS><D>grain</D></TOPICS>
<UNKNOWN>&#5;&#5;&#5;C T</UNKNOWN>
<TEXT>&#2;
<TITLE>MILLERS &lt;ACME&gt; SEE GRAIN &amp; FEED GAINS</TITLE>
<DATELINE>    TOPEKA, March 5 - </DATELINE><BODY>Millers expect grain
output to rise this season, a trade group said.
    The group said feed demand was
firm.
    Prices were steady.
 Reuter
&#3;</BODY></TEXT>
</REUTERS>
<REUTERS TOPICS="NO" NEWID="8">
<DATE>31-APR-1987 10:00:00.00</DATE>
<TEXT TYPE="BRIEF">&#2;
<TITLE>BRIEF HEADLINE ONLY</TITLE>
&#3;</TEXT>
</REUTERS>
<REUTERS TOPICS="NO" NEWID="9">
<DATE> 6-MAR-1987 10:00:00.00</DATE>
<TEXT TYPE="UNPROC">&#2;
TABLE 1 - figures only
&#3;</TEXT>
</REUTERS>
"""

CSV = '''url,date,title,text
https://example.org/a,2020-05-01,"First, title","Friday, May 1, 2020

One paragraph
wrapped here.


Second ""quoted"" paragraph."
https://example.org/b,not-a-date,Second,Only one
'''


def test_split_paragraphs_indented_lines_start_paragraphs() -> None:
    body = "First line\ncontinues.\n    Second\npara.\n Reuter\n"
    assert reuters.split_paragraphs(body) == ["First line continues.", "Second para."]


def test_parse_sgml_keeps_title_date_paragraphs(tmp_path: Path) -> None:
    path = tmp_path / "reut2-000.sgm.gz"
    with gzip.open(path, "wt", encoding="latin-1") as fh:
        fh.write(SGML)
    articles = list(reuters.iter_articles(tmp_path))
    assert [a.id for a in articles] == ["reuters-7", "reuters-8"]  # table without title: skipped
    first, brief = articles
    assert first.title == "MILLERS <ACME> SEE GRAIN & FEED GAINS"
    assert first.date == dt.date(1987, 3, 5)
    assert first.paragraphs == [
        "Millers expect grain output to rise this season, a trade group said.",
        "The group said feed demand was firm.",
        "Prices were steady.",
    ]
    assert first.source == reuters.SOURCE
    assert brief.paragraphs == [] and brief.date is None  # 31-APR is not a date
    assert [a.id for a in reuters.iter_articles(tmp_path, limit=1)] == ["reuters-7"]


def test_wikinews_csv(tmp_path: Path) -> None:
    path = tmp_path / "news.csv"
    path.write_text(CSV, encoding="utf-8")
    a, b = corpora.iter_wikinews(path)
    assert a.title == "First, title" and a.date == dt.date(2020, 5, 1)
    assert a.paragraphs == ["One paragraph wrapped here.", 'Second "quoted" paragraph.']
    assert a.id == a.url == "https://example.org/a"
    assert b.date is None and b.paragraphs == ["Only one"]
    assert corpora.resolve_corpus(str(tmp_path)).kind == "wikinews"
    assert corpora.resolve_corpus(str(path)).kind == "wikinews"


def test_resolve_corpus_errors_and_kinds(tmp_path: Path) -> None:
    with pytest.raises(corpora.CorpusError, match="not found"):
        corpora.resolve_corpus(str(tmp_path / "missing"))
    with pytest.raises(corpora.CorpusError, match="not a Reuters"):
        corpora.resolve_corpus(str(tmp_path))
    (tmp_path / "reut2-000.sgm").write_text(SGML, encoding="latin-1")
    assert corpora.resolve_corpus(str(tmp_path)).kind == "reuters"
    spec = corpora.resolve_corpus("synthetic:500")
    assert (spec.kind, spec.size, spec.name) == ("synthetic", 500, "synthetic-500")


def test_missing_shared_says_so(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(corpora, "SHARED", tmp_path / "shared")
    with pytest.raises(corpora.CorpusError, match="shared data not found"):
        corpora.resolve_corpus(None)


def test_synthetic_is_deterministic_and_sized() -> None:
    first = list(corpora.synthetic_articles(300, seed=3))
    again = list(corpora.synthetic_articles(300, seed=3))
    assert first == again
    assert sum(len(a.paragraphs) for a in first) == 300
    assert len({a.id for a in first}) == len(first)
    assert all(a.title and a.date and a.date.year == 1987 for a in first)
    text = " ".join(p for a in first for p in a.paragraphs)
    assert " oil " in text or " oil." in text  # query words occur at small sizes too
    spec = corpora.resolve_corpus("synthetic:300")
    assert len(list(corpora.iter_corpus(spec, limit=5))) == 5


def test_query_set_shape_and_translations() -> None:
    assert len(queries.QUERIES) >= 30
    assert len({q.qid for q in queries.QUERIES}) == len(queries.QUERIES)
    expected = {"rare", "common", "and2", "and3", "or", "phrase", "entity", "date", "filter"}
    assert set(queries.CLASSES) == expected
    q = queries.BenchQuery("x", "date", "oil AND date:[19870401 to 19870430]")
    assert queries.to_fts5(q) == ("text : oil", (19870401, 19870430))
    assert queries.to_tantivy(q) == "oil AND date:[19870401 TO 19870430]"
    q = queries.BenchQuery("y", "filter", 'trade AND "crude oil" AND place:japan')
    assert queries.to_fts5(q) == ('text : trade AND text : "crude oil" AND place : japan', None)
    only_date = queries.BenchQuery("z", "date", "date:[19870301 to 19870331]")
    assert queries.to_fts5(only_date) == (None, (19870301, 19870331))


@pytest.mark.skipif(any(importlib.util.find_spec(m) is None for m in ("sqlite_utils", "tantivy")),
                    reason="peers not installed (pip install -e '.[bench]')")
def test_peers_agree_on_a_tiny_corpus(tmp_path: Path) -> None:
    from benchmarks import peers

    records = peers.paragraph_records(corpora.synthetic_articles(60, seed=5))
    q = queries.BenchQuery("oil", "common", "oil")
    counts = {}
    for name in ("fts5", "tantivy"):
        peer = peers.make_peer(name)
        (tmp_path / name).mkdir()
        peer.build(tmp_path / name, records)
        peer.open(tmp_path / name)
        counts[name] = peer.search(q, full=True)
        peer.close()
    expected = sum(1 for r in records if "oil" in r.text.lower().replace(".", " ").split())
    assert counts == {"fts5": expected, "tantivy": expected}
