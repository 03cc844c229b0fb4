"""The entity extractor interface shared by every implementation."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator, Sequence

from searchlib.index._records import Entity

from searchlib._errors import ExtractorError


class Extractor(ABC):
    """Finds entities in the paragraphs of one article at a time.

    Implementations register themselves with :func:`register` under a short name
    (``rules``, ``spacy``); that name is recorded in the index metadata.
    """

    name: str = ""
    #: Bumped whenever the same input may give other entities (recorded in the index).
    version: str = "2"

    def fingerprint(self) -> str:
        """A hash of the data files (weights, gazetteers) the output depends on."""
        from searchlib.index.entities._tagger import data_fingerprint

        return data_fingerprint()

    @abstractmethod
    def extract(self, paragraphs: Sequence[str]) -> list[list[Entity]]:
        """Return, for each paragraph of ONE article (in order), its entities."""

    def extract_many(self, articles: Iterable[Sequence[str]]) -> Iterator[list[list[Entity]]]:
        """Extract from many articles, yielding results in input order.

        The default runs :meth:`extract` in this process; extractors that batch or use
        worker processes override it.
        """
        for paragraphs in articles:
            yield self.extract(paragraphs)

    def close(self) -> None:  # noqa: B027  (optional hook; most extractors hold nothing)
        """Release worker processes or models; the extractor is unusable afterwards."""

    def __enter__(self) -> Extractor:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


_REGISTRY: dict[str, type[Extractor]] = {}

#: The extractor of a new index when none is named: the trained tagger.
DEFAULT_EXTRACTOR = "tagger"


def register(cls: type[Extractor]) -> type[Extractor]:
    """Class decorator that makes an extractor available by its ``name``."""
    _REGISTRY[cls.name] = cls
    return cls


def extractor_names() -> list[str]:
    """The names of the registered extractors."""
    return sorted(_REGISTRY)


def provenance_tag(extractor: Extractor) -> str:
    """``name/version/fingerprint``: what produced an article's entities."""
    return f"{extractor.name}/{extractor.version}/{extractor.fingerprint()}"


def check_extractor_name(name: str) -> None:
    """Fail early, naming the known extractors, when *name* is not one of them.

    :raises ExtractorError: if no extractor has that name
    """
    if name not in _REGISTRY:
        known = ", ".join(extractor_names()) or "none"
        raise ExtractorError(f"unknown entity extractor {name!r} (known: {known})")


def get_extractor(name: str = DEFAULT_EXTRACTOR, **options: object) -> Extractor:
    """Build the extractor registered as *name*.

    :param options: passed to the extractor's constructor (e.g. ``model=`` for spaCy)
    :raises ExtractorError: if no extractor has that name or it cannot be loaded
    """
    check_extractor_name(name)
    return _REGISTRY[name](**options)
