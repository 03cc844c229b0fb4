"""The quicker segment writer (_engine.quickwriter): exactly Whoosh's postings, lengths and
columns, for searchlib's schema and real news text."""

from __future__ import annotations

import csv
import inspect

import pytest
import whoosh.multiproc
from searchlib.index._engine.codec import CompactCodec
from searchlib.index._engine.quickwriter import (
    QuickSegmentWriter,
    name_postings,
    quick_postings,
    stemming_postings,
)
from searchlib.index._format import NAME_SEPARATOR
from searchlib.index._schema import build_schema
from searchlib.index._writer import article_documents
from searchlib.index.entities import get_extractor
from whoosh import fields
from whoosh.analysis import SimpleAnalyzer, StemmingAnalyzer
from whoosh.filedb.filestore import FileStorage
from whoosh.writing import SegmentWriter

from searchlib import Article
from tests.shared import WIKINEWS

#: Words and marks where a hand-written loop could part from Whoosh's analyzer chain.
TRICKY = [
    "The the THE a an of: U.S. and U.K. officials, e.g. in 1987.5 and 3.14.15 cases.",
    "Straße İstanbul ΣΊΣΥΦΟΣ naïve café — don't re-enter co-operate O'Neill's",
    "a I x y z it is to be or not to be",  # stop words and one-letter words only
    "",
    "running runs ran runner running RUNNING Running's generalisations generalizations",
    "word " * 300 + "tail",
    "\u00a0\u2009spaces\u3000and\ttabs\nnew lines",
]


def _articles() -> list[Article]:
    found = [Article("Tricky text", TRICKY, id="tricky", date="2023-06-14", source="Wire"),
             Article("The same headline", ["one", "two", "three"], id="same-1"),
             Article("The same headline", ["four"], id="same-2", date="2023-06-14")]
    if WIKINEWS.exists():
        for path in sorted(WIKINEWS.glob("*.csv")):
            with path.open(encoding="utf-8", newline="") as f:
                for i, row in enumerate(csv.DictReader(f)):
                    if i >= 60:
                        break
                    paras = [p for p in row["text"].split("\n\n") if p.strip()]
                    found.append(Article(row["title"], paras, id=f"w{i}"))
    return found


def _write(folder, writer_class, limitmb: int = 128) -> dict:
    """Index the test articles with *writer_class*; return every term's postings, every
    document's field lengths and column values.

    :param limitmb: memory for the writer's posting pool
    """
    storage = FileStorage(str(folder)).create()
    ix = storage.create_index(build_schema())
    extractor = get_extractor("rules")
    articles = _articles()
    writer = writer_class(ix, codec=CompactCodec(), limitmb=limitmb)
    for article, found in zip(articles, extractor.extract_many(
            [[a.title, *a.paragraphs] for a in articles]), strict=True):
        for doc in article_documents(article, found):
            writer.add_document(**doc)
    writer.commit()
    with ix.searcher() as s:
        r = s.reader()
        postings = {}
        for fieldname, term in r.all_terms():
            m = r.postings(fieldname, term)
            rows = []
            while m.is_active():
                rows.append((m.id(), m.weight(), m.value()))
                m.next()
            postings[fieldname, term] = rows
        names = [n for n in ix.schema.names() if ix.schema[n].scorable]
        lengths = {(d, n): r.doc_field_length(d, n) for d in r.all_doc_ids() for n in names}
        columns = {n: list(r.column_reader(n, translate=False)) for n in ix.schema.names()
                   if r.has_column(n)}
    return {"postings": postings, "lengths": lengths, "columns": columns,
            "count": ix.doc_count_all()}


@pytest.mark.parametrize("limitmb", [128, 1])  # 1 MB: the pools go to disk in runs
def test_the_quick_writer_writes_what_whoosh_writes(tmp_path, limitmb):
    ours = _write(tmp_path / "quick", QuickSegmentWriter, limitmb)
    whoosh_own = _write(tmp_path / "whoosh", SegmentWriter, limitmb)
    assert ours["count"] == whoosh_own["count"] > 3
    assert ours["postings"].keys() == whoosh_own["postings"].keys()
    assert ours == whoosh_own


@pytest.mark.parametrize("text", TRICKY)
def test_the_fused_analysis_gives_the_fields_own_postings(text):
    field = build_schema()["text"]
    quick = stemming_postings(field)
    assert quick is not None
    assert quick(text) == list(field.index(text))
    assert quick(text) == list(field.index(text))  # its words' terms now from memory


#: Entity field values: names apart by separators, one name said twice, empty names.
NAMES = [NAME_SEPARATOR.join(names) for names in (
    ["Qin Gang", "Antony Blinken", "Qin Gang"], ["O'Neill's", "U.S.", "Jean-Luc Picard"],
    ["", "Straße İstanbul", ""], ["ONE"], [], ["a-b-c", "a.b'c", "x y z " * 50])]


@pytest.mark.parametrize("text", NAMES + TRICKY)
def test_the_name_chain_in_one_loop_gives_the_fields_own_postings(text):
    for kind in ("person", "place", "org"):
        field = build_schema()[kind]
        quick = quick_postings(field)
        assert quick is not None
        assert quick(text) == list(field.index(text))


def test_the_word_memory_starting_afresh_changes_no_posting(monkeypatch):
    import searchlib.index._engine.quickwriter as quickwriter

    field = build_schema()["text"]
    quick = stemming_postings(field)
    assert quick is not None
    for text in TRICKY:
        quick(text)
    monkeypatch.setattr(quickwriter, "_MAX_WORDS", 3)  # emptied before every paragraph
    for text in TRICKY + TRICKY:
        assert quick(text) == list(field.index(text))


def test_other_analyzers_keep_whooshs_path():
    assert stemming_postings(fields.TEXT(analyzer=SimpleAnalyzer())) is None
    assert stemming_postings(fields.TEXT(analyzer=StemmingAnalyzer(), phrase=False)) is None
    assert stemming_postings(build_schema()["person"]) is None  # the entity-name chain
    assert name_postings(build_schema()["text"]) is None
    for field in (fields.TEXT(analyzer=SimpleAnalyzer()), build_schema()["source"]):
        assert quick_postings(field) is None


def test_boosted_documents_take_whooshs_own_path(tmp_path):
    storage = FileStorage(str(tmp_path)).create()
    ix = storage.create_index(fields.Schema(text=fields.TEXT(stored=True)))
    writer = QuickSegmentWriter(ix)
    writer.add_document(text="harbour cranes", _boost=2.0)
    writer.add_document(text="harbour ships", _stored_text="stored instead")
    writer.commit()
    with ix.searcher() as s:
        assert s.stored_fields(1) == {"text": "stored instead"}
        m = s.reader().postings("text", b"harbour")
        assert m.weight() == 2.0


def test_the_sub_writer_hook_still_names_whooshs_writer():
    # parallel._SubWriter.run swaps this module-level name in its child: Whoosh's run()
    # must still build its writer from it.
    assert whoosh.multiproc.SegmentWriter is SegmentWriter
    assert "SegmentWriter(ix" in inspect.getsource(whoosh.multiproc.SubWriterTask.run)


def test_a_large_batch_moves_the_term_pool_to_whooshs_runs_on_disk(tmp_path):
    storage = FileStorage(str(tmp_path)).create()
    ix = storage.create_index(build_schema())
    writer = QuickSegmentWriter(ix, codec=CompactCodec(), limitmb=1)
    for i in range(3000):
        writer.add_document(article_id=f"a{i}", paragraph=1, text=f"harbour crane {i} " * 5)
    assert writer.pool.spilled and writer.pool.runs  # runs: Whoosh's sorted files
    writer.commit()
    with ix.searcher() as s:
        assert s.doc_frequency("text", b"harbour") == 3000
