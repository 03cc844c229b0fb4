"""A time budget that long-running search steps check as they go."""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator
from typing import TypeVar

from searchlib._arguments import seconds
from searchlib._errors import QueryTimeoutError

T = TypeVar("T")

#: The budget of a search when the caller gives none (seconds).
DEFAULT_TIMEOUT = 10.0


class Deadline:
    """The moment a search must give up by.

    Code that loops over many terms or matches calls :meth:`check` every so often; it raises
    :class:`QueryTimeoutError` once the budget is spent. ``Deadline(None)`` never expires.

    :param seconds: the budget from now, or ``None`` for no limit
    """

    __slots__ = ("seconds", "_end")

    def __init__(self, seconds: float | None = DEFAULT_TIMEOUT) -> None:
        if seconds is not None and not seconds > 0:
            raise ValueError("a time budget must be a positive number of seconds")
        self.seconds = seconds
        self._end = None if seconds is None else time.monotonic() + seconds

    def remaining(self) -> float | None:
        """Seconds left (never below 0), or ``None`` without a limit."""
        return None if self._end is None else max(0.0, self._end - time.monotonic())

    def expired(self) -> bool:
        return self._end is not None and time.monotonic() >= self._end

    def check(self, what: str = "the search") -> None:
        """Raise :class:`QueryTimeoutError` when the budget is spent.

        :param what: what was running, for the message
        """
        if self.expired():
            raise QueryTimeoutError(
                f"{what} ran past its time budget of {self.seconds:g} s; narrow the query "
                "(fewer wildcards or fuzzy terms, a filter) or allow more time",
                self.seconds)


def checked(items: Iterable[T], deadline: Deadline | None, what: str = "the search",
            every: int = 4096) -> Iterator[T]:
    """*items* passed through, checking *deadline* every *every* items.

    :param what: what is running, for the timeout message
    """
    if deadline is None or deadline.seconds is None:
        yield from items
        return
    n = 0
    for item in items:
        n += 1
        if n >= every:
            n = 0
            deadline.check(what)
        yield item


def budget(timeout: float | None) -> Deadline:
    """The deadline for a *timeout* given by a caller: ``None`` or 0 means no limit.

    :raises UsageError: for anything but a number of seconds, 0 or more
    """
    if timeout is not None:
        seconds("timeout", timeout)
    return Deadline(timeout or None)
