"""Property tests: random queries and random article files never crash, never corrupt.

Each property runs against a real on-disk index, through the library and through the CLI
(CliRunner): no unhandled exception, and the index still opens with the same counts.
"""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from searchlib.cli import main

import searchlib
from searchlib import Article, Index

SETTINGS = settings(max_examples=80, deadline=None, derandomize=True,
                    suppress_health_check=[HealthCheck.function_scoped_fixture,
                                           HealthCheck.too_slow])

# Query pieces that exercise the parser's corners, mixed with arbitrary text.
_PIECES = st.sampled_from([
    "Taiwan", "qin", "AND", "OR", "NOT", "ANDNOT", "(", ")", "[", "]", "{", "}", '"', "'",
    "*", "?", "~", "~2", "^2", ":", "title:", "date:", "person:", "place:", "org:",
    "source:", "nosuch:", "date:[2023-06-01 to 2023-06-30]", "date:2023-13-45", " to ",
    "-", "+", "\\", "\x00", "\x1b", "é", "😀", "\u200b", " ",
])
QUERIES = st.one_of(
    st.lists(_PIECES, max_size=12).map("".join),
    st.lists(st.one_of(_PIECES, st.text(max_size=8)), max_size=8).map(" ".join),
    st.text(max_size=60),
)


@pytest.fixture(scope="module")
def query_index(tmp_path_factory):
    path = tmp_path_factory.mktemp("prop") / "ix"
    with Index.create(path) as ix:
        ix.add_articles([
            Article("Qin Gang meets Blinken", ["Taiwan was discussed in Beijing.",
                                                "The State Department said little."], id="p1"),
            Article("Trade in Berlin", ["Semiconductors and tariffs."], id="p2"),
        ])
        yield ix


@SETTINGS
@given(q=QUERIES)
def test_random_queries_library(query_index, q):
    before = query_index.stats()
    try:
        res = query_index.search(q, limit=5)
        assert res.total >= len(res.hits)
    except searchlib.QueryError as e:
        assert "\n" not in str(e)
    assert query_index.stats() == before


@SETTINGS
@given(q=QUERIES)
def test_random_queries_cli(query_index, q):
    res = CliRunner().invoke(main, ["search", q, "--index", str(query_index.path),
                                    "--format", "json"])
    assert res.exit_code in (0, 1), (res.output, res.exception)
    if res.exit_code == 0:
        json.loads(res.output)
    else:
        assert res.output.startswith("searchlib: error: ") and res.output.count("\n") == 1
    with Index.open(query_index.path) as ix:
        assert ix.stats() == query_index.stats()


# Random article files: structured records with hostile values, and raw bytes.
_TEXT = st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=40)
_VALUE = st.one_of(st.none(), _TEXT, st.integers(), st.lists(_TEXT, max_size=3),
                   st.sampled_from(["2023-06-14", "2023-13-45", "14/06/2023", ""]))
_RECORD = st.dictionaries(st.sampled_from(["title", "text", "paragraphs", "date", "id",
                                           "url", "source", "Title", "x"]), _VALUE,
                          max_size=6)


@st.composite
def article_files(draw) -> tuple[str, bytes]:
    kind = draw(st.sampled_from(["txt", "jsonl", "csv", "raw"]))
    if kind == "raw":
        return draw(st.sampled_from(["txt", "jsonl", "csv"])), draw(st.binary(max_size=300))
    if kind == "txt":
        lines = draw(st.lists(st.one_of(_TEXT, st.just(""), st.just("date 2023-06-14 Head"),
                                        st.just("date 2023-02-30 Bad")), max_size=8))
        return "txt", "\n".join(lines).encode("utf-8", "surrogatepass")
    if kind == "jsonl":
        lines = draw(st.lists(st.one_of(_RECORD.map(json.dumps), _TEXT), max_size=5))
        return "jsonl", "\n".join(lines).encode("utf-8", "surrogatepass")
    header = draw(st.lists(st.sampled_from(["title", "text", "date", "url", "x"]),
                           min_size=1, max_size=4))
    rows = draw(st.lists(st.lists(_TEXT.map(lambda s: s.replace('"', '""')), max_size=5),
                         max_size=4))
    body = "\n".join([",".join(header)] + [",".join(f'"{c}"' for c in r) for r in rows])
    return "csv", body.encode("utf-8")


@pytest.fixture(scope="module")
def write_index(tmp_path_factory):
    base = tmp_path_factory.mktemp("prop-write")
    Index.create(base / "ix").close()
    return base


def _check_report(ix: Index, before: searchlib.Stats, report: searchlib.IngestReport) -> None:
    after = ix.stats()
    assert after.articles == before.articles + report.added
    assert all(isinstance(e, searchlib.InputError) and "\n" not in str(e)
               for e in report.errors)
    with Index.open(ix.path) as again:
        assert again.stats() == after


@SETTINGS
@given(f=article_files())
def test_random_article_files_library(write_index, f):
    ext, data = f
    path = write_index / f"random.{ext}"
    path.write_bytes(data)
    with Index.open(write_index / "ix") as ix:
        before = ix.stats()
        report = ix.add_paths([path], batch_size=2)
        _check_report(ix, before, report)


@SETTINGS
@given(f=article_files())
def test_random_article_files_cli(write_index, f):
    ext, data = f
    path = write_index / f"cli.{ext}"
    path.write_bytes(data)
    with Index.open(write_index / "ix") as ix:
        before = ix.stats()
    res = CliRunner().invoke(main, ["index", str(path), "--index", str(write_index / "ix")])
    assert res.exit_code in (0, 1), (res.output, res.exception)
    assert "Traceback" not in res.output
    lines = res.output.splitlines()
    assert lines and "articles added" in lines[-1]
    assert all(ln.startswith("searchlib: error: ") for ln in lines[:-1])
    assert (res.exit_code == 1) == (len(lines) > 1)
    with Index.open(write_index / "ix") as ix:
        after = ix.stats()
    added = int(lines[-1].split(" articles added")[0].replace(",", ""))
    assert after.articles == before.articles + added
