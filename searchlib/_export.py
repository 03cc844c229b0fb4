"""Streaming out: every hit of a search, and whole articles in the JSON Lines input format.

Nothing here builds a list of hits or articles. A full hit stream keeps only the ranked
document numbers and scores (two compact arrays, 16 bytes per match) and loads, highlights
and yields one paragraph at a time; an article export holds one article at a time.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterator

from whoosh import query as wq

from searchlib._deadline import Deadline, checked
from searchlib._grouping import score_of
from searchlib.index._documents import DocumentReader


class RankedDocs:
    """Document numbers and scores of every match, in rank order, stored compactly.

    :param results: a Whoosh ``Results`` holding all matches (``limit=None``); it can be
        dropped once this is built
    """

    def __init__(self, results) -> None:
        self.docnums = array("q")
        self.scores = array("d")
        for docnum, score in results.items():
            self.docnums.append(docnum)
            self.scores.append(score_of(score))

    def __len__(self) -> int:
        return len(self.docnums)

    def __iter__(self) -> Iterator[tuple[int, float]]:
        return zip(self.docnums, self.scores, strict=True)


def rank_all(results) -> RankedDocs:
    """Keep the order of every match in *results* as :class:`RankedDocs`."""
    return RankedDocs(results)


def matching_article_ids(searcher, q: wq.Query, filter_q: wq.Query | None,
                         deadline: Deadline | None = None) -> Iterator[str]:
    """The ids of the articles with at least one paragraph matching, in index order.

    :param q: the parsed query (``Every`` for all)
    :param filter_q: the search filters, or ``None``
    :param deadline: the time budget of finding the matches; they are then listed first
        (8 bytes each) so that a slow reader of the output cannot make the search time out
    """
    if searcher.reader().doc_count_all() == 0:
        return  # an index with no commit yet: Whoosh's empty reader has no columns
    combined = q if filter_q is None else wq.And([q, filter_q])
    if isinstance(combined, wq.Every):
        docnums = searcher.reader().all_doc_ids()
    elif deadline is None or deadline.seconds is None:
        docnums = searcher.docs_for_query(combined)
    else:
        docnums = array("q", checked(searcher.docs_for_query(combined), deadline))
        deadline.check()
    column = searcher.reader().column_reader("article_id")
    seen: set[str] = set()  # one id per article: small next to the articles themselves
    for docnum in docnums:
        aid = column[docnum]
        if aid not in seen:
            seen.add(aid)
            yield aid


def article_record(docs: list[dict]) -> dict:
    """One article in the JSON Lines input format (what ``searchlib index`` reads).

    :param docs: the records of all its paragraphs (:meth:`DocumentReader.paragraph`),
        headline (paragraph 0) included
    """
    docs = sorted(docs, key=lambda d: d["paragraph"])
    head = docs[0]
    date = head.get("date")
    rec = {"id": head["article_id"], "title": head["title"],
           "date": date.isoformat() if date else None,
           "source": head.get("source"), "url": head.get("url"),
           # Paragraph 0 is the headline, already in "title".
           "paragraphs": [d["text"] for d in docs if d["paragraph"] > 0]}
    return {k: v for k, v in rec.items() if v is not None}


def article_records(docs_reader: DocumentReader, article_ids: Iterator[str]
                    ) -> Iterator[dict]:
    """The JSON Lines record of each article in *article_ids*, one at a time."""
    searcher = docs_reader.searcher
    for aid in article_ids:
        docs = [docs_reader.paragraph(n)
                for n in searcher.docs_for_query(wq.Term("article_id", aid))]
        if docs:
            yield article_record(docs)
