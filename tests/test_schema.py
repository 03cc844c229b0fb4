"""The schema's pieces: paragraph ids."""

from __future__ import annotations

import pytest
from searchlib.index._format import paragraph_id, split_paragraph_id


def test_paragraph_ids_round_trip():
    assert split_paragraph_id(paragraph_id("a#b", 12)) == ("a#b", 12)
    for bad in ["a", "a#", "#3", "a#x"]:
        with pytest.raises(ValueError):
            split_paragraph_id(bad)
