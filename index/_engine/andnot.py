"""Whoosh's ``AndNotMatcher``, repaired: its first match is checked against the part it
must not have.

``AndNotMatcher`` looks for its first acceptable document only when both parts start on
the same one. When the excluded part starts earlier and holds the included part's first
document further on, that document was matched: ``oil ANDNOT prices`` (and ``oil AND NOT
prices``, which Whoosh builds the same way) found a paragraph saying "price" when it was
the first to say "oil" in its segment. The array executor never had the fault; the Whoosh
path (``Index.engine = "whoosh"``, and queries the executor hands back) had it, which
showed as a rare failure of ``tests/test_executor.py``, whose index layout varies with the
order the two sub-writers finish in.
"""

from __future__ import annotations

from typing import Any

from whoosh.matching import binary


def _find_first(self: Any) -> None:
    # Whoosh's own test is ``self.a.id() == self.b.id()``; _find_next moves the excluded
    # part up to the included one's document first, so any earlier start is handled too.
    if self.a.is_active() and self.b.is_active() and self.b.id() <= self.a.id():
        self._find_next()


def install() -> None:
    """Make every ``AndNotMatcher`` check its first document (idempotent)."""
    binary.AndNotMatcher._find_first = _find_first  # type: ignore[method-assign]
