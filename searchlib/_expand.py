"""Wildcards, prefixes and fuzzy terms made into plain term lists, with a cap.

Whoosh expands such a term into every matching word of the vocabulary when it searches:
``o*`` or a two-edit fuzzy short word matches thousands of words, and a search of a few of
them ran for minutes. Expanding them here, once, against the searcher's vocabulary, keeps
at most :data:`MAX_EXPANSION` words per term (those found in the most paragraphs) and says
so in a notice. The result is a tree of plain ``Term`` and ``Or`` queries.
"""

from __future__ import annotations

from whoosh import query

from searchlib.index._engine.union import union_matchers

#: The most words one wildcard, prefix or fuzzy term is searched as.
MAX_EXPANSION = 300

#: Terms looked at per wildcard before giving up on finding them all (a few ms of work):
#: a cap on reading the vocabulary, not only on searching it.
_MAX_SCAN = 20_000

_EXPANDED = (query.Wildcard, query.Prefix, query.FuzzyTerm, query.Regex)

_ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789"


def _within_one_edit(reader, field: str, word: str, prefix: int) -> list[str]:
    """The index terms at most one edit from *word* that keep its first *prefix* letters.

    Generating the few hundred one-edit strings and looking each up is far faster than
    Whoosh's automaton walk of the field's whole vocabulary (``terms_within``: about 100 ms
    per field on all of Reuters). Edits are Whoosh's: a letter deleted, inserted or
    substituted (a transposition is two), from a-z, 0-9 and the word's own letters.
    """
    letters = set(_ALPHABET) | set(word)
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    edits = {word}
    edits |= {a + b[1:] for a, b in splits if b}
    edits |= {a + c + b[1:] for a, b in splits if b for c in letters}
    edits |= {a + c + b for a, b in splits for c in letters}
    head = word[:prefix]
    return sorted(e for e in edits if e.startswith(head) and (field, e) in reader)


def _label(node: query.Query) -> str:
    if isinstance(node, query.FuzzyTerm):
        return f"{node.text}~{node.maxdist}"
    if isinstance(node, query.Prefix):
        return f"{node.text}*"
    return str(getattr(node, "text", node))


def expand_multiterms(q: query.Query, reader, cap: int = MAX_EXPANSION
                      ) -> tuple[query.Query, list[str]]:
    """*q* with each wildcard, prefix and fuzzy term replaced by an ``Or`` of its words.

    :param reader: the searcher's reader, whose vocabulary the terms are expanded against
    :param cap: the most words kept per term
    :returns: the new query and the notices (one per capped term, in query order)
    """
    notices: dict[str, str] = {}

    def expand(node: query.Query) -> query.Query:
        if not isinstance(node, _EXPANDED):
            return node
        field = node.fieldname
        found: list = []
        complete = True
        if isinstance(node, query.FuzzyTerm) and node.maxdist == 1:
            found = _within_one_edit(reader, field, node.text, node.prefixlength)
        else:
            for btext in node._btexts(reader):
                found.append(btext)
                if len(found) >= _MAX_SCAN:
                    complete = False
                    break
        if len(found) > cap:
            found.sort(key=lambda b: (-reader.doc_frequency(field, b), b))
            label = _label(node)
            many = f"{len(found):,}" if complete else f"over {len(found):,}"
            notices.setdefault(label, f"{label} matches {many} words; searched the {cap:,} "
                                      "found in the most paragraphs (be more specific to "
                                      "search the others)")
            found = found[:cap]
        terms = []
        for btext in found:
            term = query.Term(field, btext.decode("utf-8") if isinstance(btext, bytes)
                              else btext, boost=node.boost)
            term.startchar = getattr(node, "startchar", None)
            term.endchar = getattr(node, "endchar", None)
            terms.append(term)
        return query.Or(terms)

    return union_matchers(q.accept(expand)), list(notices.values())
