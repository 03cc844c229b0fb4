"""Extraction of a batch shared with a forked helper (index/_extraction.py): the same
entities as in one process, and a helper that fails or is closed leaves nothing behind."""

from __future__ import annotations

import threading

import pytest
from searchlib.index._engine.parallel import parallel_supported
from searchlib.index._extraction import MIN_PARAGRAPHS, SharedExtraction
from searchlib.index.entities import get_extractor

from searchlib import SearchlibError

pytestmark = pytest.mark.skipif(not parallel_supported(), reason="needs fork()")


def _articles(n: int) -> list[list[str]]:
    return [[f"Taiwan talks {i}", f"Qin Gang met Antony Blinken in Berlin on day {i}.",
             "The Bank of England raised rates; shares in London fell."] for i in range(n)]


def test_a_shared_batch_gives_the_entities_one_process_gives():
    extractor = get_extractor("tagger")
    articles = _articles(MIN_PARAGRAPHS // 3 + 10)
    shared = SharedExtraction(extractor, procs=2)
    try:
        found = shared.extract(articles)
        assert shared._helper is not None and shared._helper.is_alive()  # it took a half
        again = shared.extract(articles[:-3])  # the helper stays for the next batch
    finally:
        shared.close()
    assert found == list(extractor.extract_many(articles))
    assert again == found[:-3]
    assert shared._helper is None
    assert threading.active_count() == 1  # no threads: the sub-writers may still fork


def test_a_small_batch_or_one_core_stays_in_this_process():
    extractor = get_extractor("tagger")
    for shared, articles in ((SharedExtraction(extractor, procs=2), _articles(3)),
                             (SharedExtraction(extractor, procs=1), _articles(400))):
        assert shared.extract(articles) == list(extractor.extract_many(articles))
        assert shared._helper is None


class _Failing:
    """An extractor that fails on any article mentioning "poison"."""

    def extract_many(self, articles):
        for paragraphs in articles:
            if any("poison" in p for p in paragraphs):
                raise ValueError("poisoned paragraph")
            yield [[] for _ in paragraphs]


def test_a_helper_that_fails_fails_the_batch_in_one_line():
    articles = _articles(MIN_PARAGRAPHS)
    articles[-1] = ["poison"] * 3  # in the helper's half
    shared = SharedExtraction(_Failing(), procs=2)
    with pytest.raises(SearchlibError) as e:
        shared.extract(articles)
    assert "poisoned paragraph" in str(e.value) and "\n" not in str(e.value)
    assert shared._helper is None  # stopped


def test_a_helper_that_dies_fails_the_batch():
    shared = SharedExtraction(get_extractor("tagger"), procs=2)
    shared.extract(_articles(MIN_PARAGRAPHS))
    assert shared._helper is not None
    shared._helper.kill()
    shared._helper.join()
    # A dead helper is not used again: the batch is extracted here.
    assert len(shared.extract(_articles(MIN_PARAGRAPHS))) == MIN_PARAGRAPHS
    conn = shared._conn
    assert conn is not None
    with pytest.raises(SearchlibError, match="it died"):
        shared._reply(conn)
