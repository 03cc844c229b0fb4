"""searchlib.index._engine.analysis: a position gap between the names of an entity field."""

from __future__ import annotations

from searchlib.index._engine.analysis import NameGapFilter
from searchlib.index._format import NAME_SEPARATOR, join_names
from searchlib.index._schema import build_schema
from whoosh.analysis import RegexTokenizer

from searchlib import Article, Index


def test_separators_are_dropped_and_leave_a_gap():
    analyzer = RegexTokenizer(r"\w+|" + NAME_SEPARATOR) | NameGapFilter()
    tokens = [(t.text, t.pos) for t in analyzer(join_names(["Qin Gang", "Antony Blinken"]),
                                                  positions=True)]
    assert [t for t, _ in tokens] == ["Qin", "Gang", "Antony", "Blinken"]
    positions = [p for _, p in tokens]
    assert positions[1] == positions[0] + 1 and positions[2] - positions[1] > 50


def test_the_person_field_uses_it(tmp_path):
    assert any(isinstance(f, NameGapFilter) for f in build_schema()["person"].analyzer.items)
    with Index.create(tmp_path / "ix") as ix:
        ix.add_articles([Article("Talks", ["Qin Gang met Antony Blinken in Beijing."],
                                 id="a")])
        assert ix.search('person:"Qin Gang"').total == 1
        # Two names side by side in the field do not make a phrase across the gap.
        assert ix.search('person:"Gang Antony"').total == 0
