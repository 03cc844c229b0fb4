"""Every error a caller can trigger through the public API is a SearchlibError.

The walk is driven by the API itself: every public method of :class:`searchlib.Index` and
every public function of :mod:`searchlib` must have its parameters' bad values listed
here (a new method or parameter fails :func:`test_the_walk_covers_the_public_api` until it
is), and each bad value must raise a :class:`SearchlibError` with a one-line message,
never another exception.
"""

from __future__ import annotations

import datetime as dt
import inspect
from pathlib import Path

import pytest

import searchlib
from searchlib import Article, Index, IndexCorruptError, SearchlibError, UsageError
from tests.shared import EXAMPLES

COUNTS = [0, -1, "10", 1.5, None, True]
TEXTS = [123, b"bytes", ["a list"]]
NAMES = [123, [1, 2], {"a": 1}, b"bytes"]
DAYS = [123, "not a date", "2023-13-45", 2023.5]
SECONDS = [-1, "5", None, float("nan")]

#: Bad values by parameter name; a parameter that takes anything (a flag) maps to [].
BAD: dict[str, list] = {
    "query": TEXTS,
    "limit": COUNTS,
    "page": COUNTS,
    "facets": [-1, "10", 1.5, None],
    "context": [-1, "2", 1.5, None],
    "n": [-1, "2", 1.5, None],
    "snippet": [-1, "40", 1.5, None],
    "top": COUNTS,
    "kind": ["people", 1],
    "sort": ["sideways", 1],
    "person": NAMES,
    "place": NAMES,
    "org": NAMES,
    "since": DAYS,
    "until": DAYS,
    "source": [123, ["a"]],
    "by_article": [],
    "suggest": [],
    "strict": [],
    "overwrite": [],
    "article_id": [123, None],
    "paragraph_id": [123, None, "no-hash", "x#y", "missing#1"],
    "paths": [123, [123], None],
    "articles": [123, "text", [1], [{"title": "a dict"}], Article("one", ["not a list"])],
    "format": ["xml", 1],
    "progress": ["not callable", 1],
    "batch_size": COUNTS,
    "wait": SECONDS,
    "timeout": [-1, "5", float("nan"), [1]],
    "quick": [],
    "repair": [],
    "stdin": [],
    "path": [123, 1.5, ["ix"]],
    "extractor": ["nope", 123],
    "paragraphs": [123, "one string", [1, 2], None],
}

#: Good values for the required parameters, so that each call tests one bad value.
GOOD = {"article_id": "x", "paragraph_id": "x#1", "paths": [EXAMPLES],
        "articles": [Article("Taiwan talks", ["Qin Gang met Blinken."], id="t1")],
        "paragraphs": ["Qin Gang met Blinken."]}

CLASS_METHODS = {"open", "create", "open_or_create"}


def public_methods() -> list[str]:
    return sorted(n for n, v in inspect.getmembers(Index) if not n.startswith("_")
                  and callable(v))


def public_functions() -> list[str]:
    return sorted(n for n in searchlib.__all__ if inspect.isfunction(getattr(searchlib, n)))


def params(func) -> list[inspect.Parameter]:
    return [p for p in inspect.signature(func).parameters.values()
            if p.name not in ("self", "cls")]


def test_the_walk_covers_the_public_api():
    assert {"search", "add_paths", "similar", "iter_hits"} <= set(public_methods())
    assert {"extract_entities", "resolve_index_path"} <= set(public_functions())
    for name in public_methods() + public_functions():
        func = getattr(Index, name, None) or getattr(searchlib, name)
        for p in params(func):
            assert p.name in BAD, f"{name}({p.name}=...): list its bad values in BAD"


def _call(target, name: str, kwargs: dict):
    result = getattr(target, name)(**kwargs)
    if inspect.isgenerator(result):
        result = list(result)
    return result


def _cases():
    for name in public_methods() + public_functions():
        func = getattr(Index, name, None) or getattr(searchlib, name)
        for p in params(func):
            for bad in BAD[p.name]:
                yield pytest.param(name, p.name, bad, id=f"{name}-{p.name}={bad!r}"[:80])


@pytest.fixture(scope="module")
def index(tmp_path_factory):
    ix = Index.create(tmp_path_factory.mktemp("api-errors") / "ix")
    ix.add_paths([EXAMPLES])
    yield ix
    ix.close()


@pytest.mark.parametrize(("name", "param", "bad"), list(_cases()))
def test_a_bad_value_is_a_searchlib_error(index, tmp_path, name, param, bad):
    func = getattr(Index, name, None) or getattr(searchlib, name)
    kwargs = {p.name: GOOD[p.name] for p in params(func)
              if p.default is inspect.Parameter.empty and p.name in GOOD}
    kwargs[param] = bad
    if name in CLASS_METHODS:
        target = Index
        kwargs.setdefault("path", tmp_path / "new-ix")
    elif hasattr(Index, name):
        target = index
    else:
        target = searchlib
    with pytest.raises(SearchlibError) as info:
        _call(target, name, kwargs)
    message = str(info.value)
    assert message and "\n" not in message
    # The message names what was wrong: the parameter, or the value given.
    assert param.rstrip("s") in message or str(bad)[:20] in message or (
        param in ("path", "article_id", "paragraph_id", "kind", "sort", "extractor",
                  "since", "until", "articles")), message


def test_wrong_numbers_are_usage_errors_that_are_also_value_errors(index):
    for kwargs in ({"limit": 0}, {"page": -1}, {"context": -1}, {"facets": -1}):
        with pytest.raises(UsageError, match=next(iter(kwargs))) as info:
            index.search("Taiwan", **kwargs)
        assert isinstance(info.value, ValueError)
    with pytest.raises(UsageError, match="top"):
        index.entities(top=0)


def test_a_str_date_is_read_and_a_bad_one_is_an_input_error():
    assert Article("T", ["p"], date="2023-06-14").date == dt.date(2023, 6, 14)
    assert Article("T", ["p"], date="2023-06-14T10:00:00Z").date == dt.date(2023, 6, 14)
    assert Article("T", ["p"], date=dt.datetime(2023, 6, 14, 9)).date == dt.date(2023, 6, 14)
    assert Article("T", ["p"], date="").date is None
    for bad, why in (("2023-06-31", "not a real day"), ("14/06/2023", "not YYYY-MM-DD"),
                     (20230614, "must be a date")):
        with pytest.raises(searchlib.InputError, match=why):
            Article("T", ["p"], date=bad)


def test_an_article_with_a_str_date_is_indexed_with_it(tmp_path):
    with Index.create(tmp_path / "ix") as ix:
        ix.add_articles([Article("Taiwan talks", ["Qin Gang met Blinken."], id="d1",
                                 date="2023-06-14")])
        assert ix.article("d1").date == dt.date(2023, 6, 14)
        assert ix.search("Qin", since="2023-06").total == 1


def test_an_article_without_id_gets_one_and_again_replaces_it(tmp_path):
    art = Article("Taiwan talks", ["Qin Gang met Blinken."], date="2023-06-14")
    with Index.create(tmp_path / "ix") as ix:
        assert ix.add_articles([art]).added == 1
        hit = ix.search("Qin").hits[0]
        assert hit.article_id.startswith("article-")
        assert ix.add_articles([art]).skipped == 1
        with_url = Article("Other", ["Words."], url="https://example.org/a")
        ix.add_articles([with_url])
        assert ix.article("https://example.org/a").title == "Other"
    assert art.id is None  # the caller's record is left as it was


def test_an_index_path_under_a_file_is_one_line(tmp_path):
    (tmp_path / "somefile").write_text("x", encoding="utf-8")
    with pytest.raises(SearchlibError, match="somefile exists and is not a directory"):
        Index.open_or_create(tmp_path / "somefile" / "ix")
    with pytest.raises(searchlib.IndexNotFoundError):
        Index.open(tmp_path / "somefile" / "ix")


def _corrupt_one_posting_block(index_dir: Path, query: str) -> None:
    """Break the header of a posting block that *query* reads (the codec's magic bytes).

    The segment is one compound file; each occurrence of the magic is tried in turn until
    the search meets the damage, so the test does not depend on the file's layout. The
    checksum manifest is removed first: with it, opening the index finds the damage before
    the codec reads it (tested in tests/test_reliability_damage.py); here the codec's own
    error, and its translation at the API boundary, are under test.
    """
    from searchlib.index._engine.codec import _MAGIC
    from searchlib.index._integrity import SUMS_FILE

    (index_dir / SUMS_FILE).unlink()

    seg = next(index_dir.glob("*.seg"))
    data = seg.read_bytes()
    start = 0
    while (at := data.find(_MAGIC, start)) != -1:
        seg.write_bytes(data[:at] + b"\0" * len(_MAGIC) + data[at + len(_MAGIC):])
        with Index.open(index_dir) as ix:
            try:
                ix.search(query)
            except IndexCorruptError:
                return
            except Exception:  # other damage than the one wanted here: try the next spot
                pass
        start = at + 1
    seg.write_bytes(data)
    pytest.fail("no posting block of the query found to damage")


def test_a_damaged_posting_block_is_index_corrupt_error(tmp_path):
    with Index.create(tmp_path / "ix") as ix:
        ix.add_articles([Article(f"Headline {i}", [f"Taiwan paragraph {i} {j}." for j in range(30)],
                                 id=f"a{i}") for i in range(20)])
    _corrupt_one_posting_block(tmp_path / "ix", "Taiwan")
    with Index.open(tmp_path / "ix") as ix:
        with pytest.raises(IndexCorruptError, match="the index is damaged") as info:
            ix.search("Taiwan")
        assert str(tmp_path / "ix") in str(info.value)
        with pytest.raises(IndexCorruptError):
            list(ix.iter_hits("Taiwan"))
