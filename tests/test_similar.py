"""Similar paragraphs: other articles' first (issue 4)."""

from __future__ import annotations

import pytest

from searchlib import Article, ArticleNotFoundError, Index
from tests.newsdesk import wikinews_index
from tests.shared import EXAMPLES


def test_similar_prefers_other_articles(examples_index):
    pid = examples_index.search('"spoke by phone"').hits[0].id
    own = pid.split("#")[0]
    hits = examples_index.similar(pid, limit=20)
    assert hits and pid not in {h.id for h in hits}
    assert hits[0].article_id != own
    # all other articles' paragraphs come before any of its own article's
    flags = [h.article_id == own for h in hits]
    assert flags == sorted(flags)
    assert any(flags), "the own article fills in after the others"
    # the follow-up story (Blinken in Beijing) is among the first
    assert any("blinken-beijing" in h.article_id for h in hits[:3])


def test_seed_and_its_wire_copy(tmp_path, seed_path):
    """The seed and the bundled Qin-Blinken call are the same story: each finds the other."""
    ix = Index.create(tmp_path / "both")
    ix.add_paths([seed_path, EXAMPLES])
    seed_pid = ix.search("Qin Taiwan core concerns").hits[0].id
    hits = ix.similar(seed_pid, limit=5)
    assert "qin-blinken-call" in hits[0].article_id
    assert all(h.article_id != seed_pid.split("#")[0] for h in hits)


def test_own_article_fills_in_when_nothing_else_matches(tmp_path):
    ix = Index.create(tmp_path / "ix")
    ix.add_articles([
        Article("Zebras escape", ["Three zebras escaped from the zoo.",
                                  "The zebras were found near the river."], id="z"),
        Article("Zebra crossing repainted", ["The zebra crossing on Main Street was "
                                             "repainted."], id="c"),
    ])
    hits = ix.similar("z#1", limit=10)
    assert [h.article_id for h in hits][:1] == ["c"]
    assert "z#2" in {h.id for h in hits} and "z#1" not in {h.id for h in hits}
    assert len(ix.similar("z#1", limit=1)) == 1


def test_unknown_paragraph(examples_index):
    with pytest.raises(ArticleNotFoundError):
        examples_index.similar("no-such-article#1")


def test_wikinews_similar(tmp_path_factory):
    ix = wikinews_index(tmp_path_factory)
    pid = ix.search("coronavirus", limit=1).hits[0].id
    own = pid.rpartition("#")[0]
    hits = ix.similar(pid, limit=10)
    assert len(hits) == 10 and hits[0].article_id != own
    flags = [h.article_id == own for h in hits]
    assert flags == sorted(flags)
