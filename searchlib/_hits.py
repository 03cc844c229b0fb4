"""Hits: paragraph records made into highlighted results, and every hit of a search."""

from __future__ import annotations

from collections.abc import Iterator

from whoosh import query as wq

from searchlib._deadline import Deadline
from searchlib._export import rank_all
from searchlib._grouping import context_for, group_by_article, ranked
from searchlib._highlight import Highlighter, mark
from searchlib._results import Hit, entity_names
from searchlib._snippets import make_snippet
from searchlib.index._documents import DocumentReader
from searchlib.index._format import KINDS


def make_hit(marker: Highlighter, doc: dict, score: float, snippet: int = 0) -> Hit:
    """A :class:`Hit` from a paragraph record, its matches highlighted.

    :param marker: the query's terms, from :func:`highlighter`
    :param doc: a record from :meth:`DocumentReader.paragraph`
    :param snippet: with N > 0, the hit carries the best window of about N words around
        its matches (``hit.snippet``)
    """
    text = doc["text"]
    spans = marker.spans(text, doc["entities"])
    marked = mark(text, spans)
    hit = Hit(id=doc["id"], article_id=doc["article_id"], title=doc["title"],
              date=doc["date"], paragraph=doc["paragraph"], text=text,
              highlight=marked, score=float(score or 0.0),
              entities=entity_names(doc["entities"]), matches=spans,
              source=doc.get("source"), url=doc.get("url"))
    if snippet > 0:
        window = make_snippet(text, spans, snippet, marked)
        hit.snippet, hit.snippet_highlight = window.text, window.highlight
        hit.snippet_range = (window.start, window.end)
    return hit


def highlighter(schema, terms: set[tuple]) -> Highlighter:
    """What marks *terms* in the hits of an index with *schema* (its analyzers find the
    matches).

    :param terms: ``(field, term)`` pairs to highlight (a tuple of words: a phrase)
    """
    return Highlighter(terms, schema["text"].analyzer, schema[KINDS[0]].analyzer)


def stream_hits(searcher, q: wq.Query, filter_q: wq.Query | None, order: str,
                marker: Highlighter, by_article: bool = False, context: int = 0,
                snippet: int = 0, deadline: Deadline | None = None) -> Iterator[Hit]:
    """Every hit of a query on *searcher*, in order, one at a time.

    Only the ranked document numbers are held; each paragraph is loaded and highlighted as
    it is yielded.
    """
    records = DocumentReader(searcher)
    ranked_docs = rank_all(ranked(searcher, q, filter_q, order, limit=None,
                                  deadline=deadline))
    if by_article:
        for group in group_by_article(ranked_docs, searcher.reader(), deadline):
            hit = make_hit(marker, records.paragraph(group.docnum), group.score, snippet)
            hit.matching_paragraphs = group.paragraphs
            if context:
                hit.context = context_for(records, hit.article_id, hit.paragraph, context)
            yield hit
        return
    for docnum, score in ranked_docs:
        hit = make_hit(marker, records.paragraph(docnum), score, snippet)
        if context:
            hit.context = context_for(records, hit.article_id, hit.paragraph, context)
        yield hit
