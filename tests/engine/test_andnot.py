"""The hook of _engine.andnot: an AndNot's first match is checked against the excluded part."""

from __future__ import annotations

import pytest
from searchlib.index._engine import andnot
from whoosh.matching import binary

from searchlib import Article, Index


@pytest.fixture
def ix(tmp_path):
    # "price" first (paragraph 1), then the first "oil" is a paragraph that also says price.
    index = Index.create(tmp_path / "ix")
    index.add_articles([Article("Markets", ["Prices rose.", "Oil prices fell.",
                                            "Oil was calm."], id="a1")])
    yield index
    index.close()


@pytest.mark.parametrize("query", ["oil ANDNOT prices", "oil AND NOT prices"])
@pytest.mark.parametrize("engine", ["whoosh", "arrays"])
def test_the_first_match_of_an_and_not_is_checked(ix, engine, query):
    ix.engine = engine
    assert [h.id for h in ix.search(query, suggest=False).hits] == ["a1#3"]


def test_the_hook_is_installed():
    assert binary.AndNotMatcher._find_first is andnot._find_first
