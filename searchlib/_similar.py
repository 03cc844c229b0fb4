"""Similar paragraphs: the follow-ups and wire copies of a story, found by its key terms."""

from __future__ import annotations

from whoosh import query as wq

from searchlib.index._documents import DocumentReader

#: How many of a paragraph's most distinctive words are searched for.
KEY_TERMS = 12


def similar_docs(searcher, docnum: int, limit: int, numterms: int = KEY_TERMS
                 ) -> list[tuple[int, float]]:
    """The paragraphs most like one paragraph, other articles' first.

    The paragraph's key terms (Whoosh's Bo1 model: words frequent here and rare in the index)
    are OR-ed, as :meth:`whoosh.searching.Searcher.more_like` does. Paragraphs of other
    articles are ranked first because the same article's paragraphs are trivially alike
    (same names, same topic); a reader asking for "similar" wants the rest of the coverage.
    Paragraphs of the same article fill the list only when too few others match.

    :param searcher: a Whoosh searcher
    :param docnum: the paragraph's document number (it is never returned itself)
    :param limit: how many paragraphs at most
    :param numterms: how many key terms to search for
    :returns: ``(docnum, score)`` pairs, best first
    """
    text = DocumentReader(searcher).body(docnum)[0]
    terms = searcher.key_terms_from_text("text", text, numterms=numterms)
    if not terms:  # a paragraph of stop words only
        return []
    q = wq.Or([wq.Term("text", word, boost=weight) for word, weight in terms])
    article_id = searcher.reader().column_reader("article_id")[docnum]
    own = set(searcher.docs_for_query(wq.Term("article_id", article_id)))
    found = list(searcher.search(q, limit=limit, mask=own).items())
    rest = limit - len(found)
    if rest > 0 and len(own) > 1:
        found += searcher.search(q, limit=rest, filter=own - {docnum}).items()
    return [(d, float(s or 0.0)) for d, s in found]
