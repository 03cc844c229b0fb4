"""How each word of a query is read: stop words, case, aliases, demonyms, entity fields.

A Whoosh parser plugin that runs after field names are attached to words and before
Whoosh copies each bare word into every default field. It replaces

- a bare word by one consistent reading: the word in the text and the entity names, or
  nothing at all when the text analyzer drops it (a stop word is never required in some
  other field); a word typed with capitals that the extractor's tables know ("US", "WHO",
  "Iran") also means that entity, and an acronym means only that (``WHO`` is the
  organisation, ``who`` a word);
- a name in an entity field (``place:USA``, ``org:"E.U."``) by its canonical name, and a
  place by its demonyms too ("Iranian" counts as a mention of Iran);
- a bare phrase holding such an acronym that the text index drops (``"US sanctions"``) by
  the rest of the phrase and the entity.

The result is a tree of standard Whoosh queries (Term, Phrase, Or, ...); every choice made
is recorded in a :class:`Reading` for ``--explain``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from whoosh import query
from whoosh.qparser import plugins, syntax

from searchlib._aliases import (
    Resolved,
    alias_of_word,
    demonyms,
    is_acronym,
    is_common_word,
    resolve,
    surface_forms,
)
from searchlib.index._format import KINDS


@dataclass
class WordNote:
    """How one word or phrase of the query was read.

    :param word: as typed
    :param field: the field named in the query, or ``None`` for a bare word
    :param reading: ``words`` (text and entity names), ``stop word`` (dropped),
        ``alias`` (also the entity), ``acronym`` (only the entity) or ``name`` (an entity
        field, resolved)
    :param fields: the fields it was looked up in
    :param resolved: the canonical entity it stands for, if any
    """

    word: str
    field: str | None
    reading: str
    fields: list[str]
    resolved: Resolved | None = None

    def to_dict(self) -> dict:
        return {"word": self.word, "field": self.field, "reading": self.reading,
                "fields": self.fields,
                "resolved": self.resolved.to_dict() if self.resolved else None}


@dataclass
class Reading:
    """Everything a parse decided, for ``--explain`` and the ``resolved`` list."""

    words: list[WordNote] = field(default_factory=list)

    @property
    def stop_words(self) -> list[str]:
        return [w.word for w in self.words if w.reading == "stop word"]

    @property
    def resolved(self) -> list[Resolved]:
        return [w.resolved for w in self.words if w.resolved is not None
                and w.resolved.name != w.resolved.given]


class _Built(syntax.SyntaxNode):
    """A syntax node standing for a query built in advance."""

    has_boost = True

    def __init__(self, q: query.Query, startchar: int | None, endchar: int | None) -> None:
        self.q = q
        self.boost = 1.0
        self.startchar = startchar
        self.endchar = endchar

    def r(self) -> str:
        return f"Built {self.q!r}"

    def query(self, parser) -> query.Query:
        q = self.q
        if self.boost != 1.0:
            q = q.with_boost(getattr(q, "boost", 1.0) * self.boost)
        return q


def _spanned(q: query.Query, node: syntax.SyntaxNode) -> query.Query:
    # Where each leaf came from in the string: the suggester groups a word's terms by it.
    for leaf in q.leaves():
        leaf.startchar = getattr(node, "startchar", None)
        leaf.endchar = getattr(node, "endchar", None)
    return q


def _fields_of(q: query.Query) -> list[str]:
    """The fields *q* looks in, text first, then the entity kinds."""
    found = {leaf.field() for leaf in q.leaves()}
    return [f for f in ("text", *KINDS) if f in found]


def _words(analyzer, text: str) -> list[str]:
    return [t.text for t in analyzer(text, mode="query")]


def _seq(fieldname: str, words: list[str]) -> query.Query:
    return query.Term(fieldname, words[0]) if len(words) == 1 else query.Phrase(fieldname, words)


def _word_like(form: str) -> bool:
    # "WHO" in the text is the word "who" (and "The Man Who Knew Too Much" is a name):
    # acronyms that are words stay out. "U.S." is not "us" to the analyzers, and two
    # letters are rarely words ("US" is the stop word "us", which the text does not hold).
    return is_acronym(form) and "." not in form and len(form) > 2 and is_common_word(form)


def entity_query(schema, res: Resolved, text_forms: bool = True) -> query.Query:
    """The paragraphs that name the entity *res*: its canonical name in its field, each of
    its names in the text (unless *text_forms* is false) and a place's demonyms.

    The text forms make a name found where the extractor missed a mention (a headline, a
    name inside a longer one); the entity field, where the text says it another way
    ("the minister" resolved to a person).

    :param schema: the index schema (its analyzers turn names into terms)
    :param res: the resolved entity
    :param text_forms: also look for every name of the entity in the paragraph text
    """
    text_analyzer, name_analyzer = schema["text"].analyzer, schema[res.kind].analyzer
    canonical_words = _words(name_analyzer, res.name)
    parts: list[query.Query] = [_seq(res.kind, canonical_words)] if canonical_words else []
    forms = sorted(surface_forms(res.name, res.kind) | {res.name})
    # An acronym inside another name says the entity too ("US Geological Survey", "US
    # Chess Federation"); the text index cannot say so when the acronym is a stop word.
    acronyms = {w for form in forms if is_acronym(form) and " " not in form
                and not _word_like(form) for w in _words(name_analyzer, form)}
    parts += [query.Term(kind, w) for w in sorted(acronyms) for kind in KINDS]
    words = []
    if text_forms:
        for form in forms:
            if _word_like(form):
                continue
            words.append(_words(text_analyzer, form))
    if res.kind == "place":
        words += [_words(text_analyzer, d) for d in sorted(demonyms(res.name))]
    seen = set()
    for w in words:
        if w and tuple(w) not in seen:
            seen.add(tuple(w))
            parts.append(_seq("text", w))
    return parts[0] if len(parts) == 1 else query.Or(parts)


class ReadingPlugin(plugins.Plugin):
    """Rewrites bare words and entity-field names; see the module docstring.

    :param schema: the index schema (its analyzers decide what a word becomes)
    :param reading: where the decisions of one parse are recorded
    """

    def __init__(self, schema, reading: Reading) -> None:
        self.schema = schema
        self.reading = reading
        self.text_analyzer = schema["text"].analyzer
        self.name_analyzer = schema[KINDS[0]].analyzer

    def filters(self, parser):
        # After field names are attached (100), before the multifield copy (110).
        return [(self.do_reading, 105)]

    def do_reading(self, parser, group):
        for i, node in enumerate(group):
            if isinstance(node, syntax.GroupNode):
                group[i] = self.do_reading(parser, node)
            elif type(node) is syntax.WordNode and node.fieldname is None:
                group[i] = self._bare(node)
            elif type(node) is plugins.PhrasePlugin.PhraseNode and node.fieldname is None:
                group[i] = self._phrase(node)
            elif (type(node) in (syntax.WordNode, plugins.PhrasePlugin.PhraseNode)
                  and node.fieldname in KINDS):
                group[i] = self._entity(node)
        return group

    def _bare(self, node: syntax.WordNode) -> syntax.SyntaxNode:
        word = node.text
        text_words = _words(self.text_analyzer, word)
        res = alias_of_word(word)
        acronym = res is not None and is_acronym(word)
        parts: list[query.Query] = []
        if text_words and not acronym:
            plain = [_seq("text", text_words)]
            for kind in KINDS:
                names = _words(self.name_analyzer, word)
                if names:
                    plain.append(_seq(kind, names))
            parts.append(query.Or(plain))
        if res is not None:
            parts.append(entity_query(self.schema, res))
        if not parts:
            self.reading.words.append(WordNote(word, None, "stop word", []))
            return _Built(query.NullQuery, node.startchar, node.endchar)
        reading = "acronym" if acronym else "alias" if res else "words"
        q = parts[0] if len(parts) == 1 else query.Or(parts)
        self.reading.words.append(WordNote(word, None, reading, _fields_of(q), res))
        built = _Built(_spanned(q, node), node.startchar, node.endchar)
        built.boost = node.boost
        return built

    def _phrase(self, node) -> syntax.SyntaxNode:
        """A bare phrase holding an acronym the text index cannot hold (``"US sanctions"``):
        the rest of the phrase in the text, and the entity; Whoosh alone would drop the
        acronym and find every "sanctions"."""
        found = [alias_of_word(w.strip(",;:!?\"'()")) for w in node.text.split()]
        lost = [r for r in found if r is not None and is_acronym(r.given)
                and not _words(self.text_analyzer, r.given)]
        if not lost:
            return node
        parts = []
        # What the text analysis keeps decides, as for a bare word: nothing left of the
        # phrase but the acronym ("US" quoted) is the entity alone.
        if _words(self.text_analyzer, node.text):
            for fieldname in ("text", *KINDS):
                words = _words(self.schema[fieldname].analyzer, node.text)
                if words:
                    parts.append(query.Phrase(fieldname, words, slop=node.slop)
                                 if len(words) > 1 else query.Term(fieldname, words[0]))
        required: list[query.Query] = [query.Or(parts)] if parts else []
        required += [entity_query(self.schema, r) for r in lost]
        for r in lost:
            self.reading.words.append(WordNote(r.given, None, "acronym",
                                               _fields_of(entity_query(self.schema, r)), r))
        q = required[0] if len(required) == 1 else query.And(required)
        built = _Built(_spanned(q, node), node.startchar, node.endchar)
        built.boost = node.boost
        return built

    def _entity(self, node: syntax.TextNode) -> syntax.SyntaxNode:
        kind, name = node.fieldname, node.text
        res = resolve(kind, name)
        if res is None:
            self.reading.words.append(WordNote(name, kind, "words", [kind]))
            return node
        q = entity_query(self.schema, res)
        self.reading.words.append(WordNote(name, kind, "name", _fields_of(q), res))
        built = _Built(_spanned(q, node), node.startchar, node.endchar)
        built.boost = node.boost
        return built
