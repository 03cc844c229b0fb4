"""'Did you mean': corrected queries from the index's own vocabulary.

A query word is corrected only when none of the fields it was looked up in knows it, so a
rare but real word is never "corrected" away. Candidates come from the index's own terms
(one edit: the few hundred strings one edit away, looked up; two: a bigram index of the
text field's vocabulary, :mod:`searchlib._spelling`) over the text and entity fields, so
misspelt names (``person:Blinkn``) are corrected as well as words (``Taiwn``). Words longer
than :data:`~searchlib._spelling.MAX_WORD` letters are never corrected, so a search for a
pasted blob costs nothing here.
"""

from __future__ import annotations

from whoosh import query as wq
from whoosh.reading import TermNotFound

from searchlib._errors import QueryError
from searchlib._grouping import ranked
from searchlib._highlight import tokens
from searchlib._spelling import MAX_WORD, bigram_index
from searchlib.index._documents import DocumentReader
from searchlib.index._format import KINDS

#: A search with fewer hits than this gets a suggestion (when one finds more).
FEW_HITS = 3

#: Fields whose vocabulary corrections are taken from (``title`` adds nothing: every
#: headline is also the text of its article's paragraph 0).
SPELL_FIELDS = ("text", *KINDS)

#: Fields whose terms are stems: their corrections are shown as a word of the stored text.
_STEMMED = {"text", "title"}


def _max_edits(word: str) -> int:
    # Two edits on a four-letter word can turn it into almost anything.
    return 1 if len(word) <= 4 else 2


def _surface(searcher, field: str, term: str, docs: DocumentReader | None) -> str:
    """A readable word for an index term: for a stemmed field, the first word in the stored
    text that stems to it ("ministri" -> "ministry"); otherwise the term itself.

    :param docs: the searcher's document reader (one is opened when ``None``: its columns
        cost milliseconds to open)
    """
    if field not in _STEMMED:
        return term
    try:
        docnum = searcher.postings(field, term).id()
    except TermNotFound:  # the term vanished with a concurrent delete: keep the stem
        return term
    # Only the text: a whole paragraph record would open the article id column as well.
    text = (docs or DocumentReader(searcher)).body(docnum)[0]
    for word, start, end in tokens(text, searcher.schema[field].analyzer):
        if word == term:
            return text[start:end].lower()
    return term


_ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789"


def _one_edit(reader, field: str, word: str) -> list[str]:
    """The index terms one edit away from *word*.

    Generating the few hundred one-edit strings and looking each up is about 50 times
    faster than Whoosh's automaton walk of the whole vocabulary (``terms_within``).
    """
    if len(word) >= 4:
        # Long enough for the letter pairs to narrow the vocabulary down: a few candidates
        # compared, instead of hundreds of strings looked up (~40 us each).
        allowed = set(_ALPHABET) | set(word)
        return [t for t, d in bigram_index(reader, field).within(word, 1, swaps=True)
                if d == 1 and set(t) <= allowed]
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    edits = {a + b[1:] for a, b in splits if b}
    edits |= {a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1}
    edits |= {a + c + b[1:] for a, b in splits if b for c in _ALPHABET}
    edits |= {a + c + b for a, b in splits for c in _ALPHABET}
    edits.discard(word)
    return [e for e in edits if (field, e) in reader]


def _best(searcher, terms: list[tuple[str, str]], docs: DocumentReader | None = None
          ) -> str | None:
    """The best correction of one query word, looked up in *terms*' fields.

    Nearest first (fewest edits), then the word found in most paragraphs.
    """
    reader = searcher.reader()
    best: tuple[int, int, str, str] | None = None
    # Every field at one edit before any at two: the two-edit search costs ten times more,
    # and a one-edit candidate in any field beats every two-edit one.
    for dist in range(1, max(_max_edits(text) for _, text in terms) + 1):
        # Two edits only in the widest field (the text, when the word is looked up there):
        # entity names are in the text too, and each field's bigram index costs a walk of
        # its vocabulary to build (once per searcher).
        fields = terms if dist == 1 else [t for t in terms if t[0] == "text"] or terms[:1]
        for field, text in fields:
            if dist > _max_edits(text):
                continue
            found = (_one_edit(reader, field, text) if dist == 1
                     else [t for t, _d in bigram_index(reader, field).within(text, dist)])
            for cand in found:
                if cand == text:
                    continue
                key = (dist, -reader.doc_frequency(field, cand), field, cand)
                if best is None or key < best:
                    best = key
        if best is not None:
            break
    return None if best is None else _surface(searcher, best[2], best[3], docs)


def correct(searcher, q: wq.Query, qstring: str, docs: DocumentReader | None = None
            ) -> str | None:
    """*qstring* with each unknown word replaced by its best correction, or ``None``.

    Only plain words are corrected; phrases, wildcards and fuzzy terms are left alone
    (Whoosh does not record where a phrase's words are in the string).

    :param q: the parsed query
    :param qstring: the string it was parsed from
    """
    reader = searcher.reader()
    # A bare word is searched in several fields: group its terms by their place in the
    # string so that it counts as unknown only if no field knows it.
    spans: dict[tuple[int, int], list[tuple[str, str]]] = {}
    for leaf in q.leaves():
        start = getattr(leaf, "startchar", None)
        end = getattr(leaf, "endchar", None)
        if type(leaf) is wq.Term and leaf.fieldname in SPELL_FIELDS and start is not None \
                and end is not None and isinstance(leaf.text, str) \
                and len(leaf.text) <= MAX_WORD:
            spans.setdefault((start, end), []).append((leaf.fieldname, leaf.text))
    out, pos, changed = [], 0, False
    for (start, end), terms in sorted(spans.items()):
        if start < pos or any((f, t) in reader for f, t in terms):
            continue
        fix = _best(searcher, terms, docs)
        if fix is None:
            continue
        out += [qstring[pos:start], fix]
        pos, changed = end, True
    if not changed:
        return None
    out.append(qstring[pos:])
    return "".join(out)


def suggest(searcher, parser, q: wq.Query, qstring: str, filter_q: wq.Query | None,
            total: int, docs: DocumentReader | None = None) -> str | None:
    """A corrected query worth suggesting: one that finds more than *total* hits.

    :param parser: the index's :class:`~searchlib._query.QueryParser`
    :param filter_q: the search's filters, which the suggestion is counted under too
    :param total: how many paragraphs the original query found
    :param docs: the searcher's document reader, if one is open
    """
    if total >= FEW_HITS or not qstring.strip():
        return None
    fixed = correct(searcher, q, qstring, docs)
    if fixed is None or fixed.strip().lower() == qstring.strip().lower():
        return None
    try:
        found = len(ranked(searcher, parser.parse(fixed), filter_q, "relevance", limit=1))
    except QueryError:  # a correction that does not parse is simply not suggested
        return None
    return fixed if found > total else None
