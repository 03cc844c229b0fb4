"""The fixed benchmark query set, with its translations for the peer engines.

Queries are written once in searchlib's (Whoosh) syntax, restricted to what every engine
can express: bare terms (searched in the paragraph text), ``"phrases"``, ``AND`` / ``OR``,
``person:`` / ``place:`` / ``org:`` terms and one ``date:[YYYYMMDD to YYYYMMDD]`` range
ANDed at the top level.  :func:`to_fts5` and :func:`to_tantivy` translate them mechanically,
so the peers answer the same question.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

__all__ = ["AGREEMENT_CLASSES", "CLASSES", "QUERIES", "BenchQuery", "to_fts5", "to_tantivy"]

#: Entity fields the benchmark queries; each engine indexes them under these names.
ENTITY_FIELDS = ("person", "place", "org")

_DATE_RANGE = re.compile(r"date:\[(\d{8}) to (\d{8})\]", re.I)
_TOKEN = re.compile(r'"[^"]*"|\(|\)|\S+')


@dataclass(frozen=True)
class BenchQuery:
    """One benchmark query.

    :param qid: short stable id used in the JSON results
    :param cls: the query class latencies are grouped by
    :param text: the query in searchlib syntax (also what naive Whoosh parses)
    :param filters: keyword filters for ``Index.search`` when it accepts them (issue 4);
        the same constraint is already in ``text``, so results do not depend on support
    """

    qid: str
    cls: str
    text: str
    filters: dict[str, str] = field(default_factory=dict)

    @property
    def date_range(self) -> tuple[int, int] | None:
        """The ``(from, to)`` YYYYMMDD bounds of the query's date range, inclusive."""
        m = _DATE_RANGE.search(self.text)
        return (int(m.group(1)), int(m.group(2))) if m else None

    @property
    def terms_only(self) -> str:
        """The query without its date range (and the ``AND`` that joined it)."""
        rest = _DATE_RANGE.sub("", self.text).strip()
        return re.sub(r"^AND\s+|\s+AND$", "", rest).strip()


def _q(qid: str, cls: str, text: str, **filters: str) -> BenchQuery:
    return BenchQuery(qid, cls, text, filters)


#: The fixed query set: at least three per class, chosen from Reuters-21578 document
#: frequencies (rare: < 30 paragraphs; common: several thousand).
QUERIES: tuple[BenchQuery, ...] = (
    _q("rare-temporao", "rare", "temporao"),
    _q("rare-palladium", "rare", "palladium"),
    _q("rare-tapioca", "rare", "tapioca"),
    _q("rare-carnival", "rare", "carnival"),
    _q("common-oil", "common", "oil"),
    _q("common-bank", "common", "bank"),
    _q("common-company", "common", "company"),
    _q("common-market", "common", "market"),
    _q("and2-oil-prices", "and2", "oil AND prices"),
    _q("and2-interest-rates", "and2", "interest AND rates"),
    _q("and2-trade-deficit", "and2", "trade AND deficit"),
    _q("and2-coffee-brazil", "and2", "coffee AND brazil"),
    _q("and3-federal-reserve-bank", "and3", "federal AND reserve AND bank"),
    _q("and3-crude-oil-prices", "and3", "crude AND oil AND prices"),
    _q("and3-japan-trade-surplus", "and3", "japan AND trade AND surplus"),
    _q("or-wheat-corn", "or", "wheat OR corn"),
    _q("or-gold-silver", "or", "gold OR silver"),
    _q("or-zinc-tin-rubber", "or", "zinc OR tin OR rubber"),
    _q("phrase-trade-deficit", "phrase", '"trade deficit"'),
    _q("phrase-interest-rates", "phrase", '"interest rates"'),
    _q("phrase-stock-exchange", "phrase", '"stock exchange"'),
    _q("phrase-crude-oil", "phrase", '"crude oil"'),
    _q("entity-person-reagan", "entity", "person:reagan"),
    _q("entity-person-volcker", "entity", "person:volcker"),
    _q("entity-place-taiwan", "entity", "place:taiwan"),
    _q("entity-org-opec", "entity", "org:opec"),
    _q("entity-org-gatt", "entity", "org:gatt"),
    _q("date-march", "date", "date:[19870301 to 19870331]"),
    _q("date-oil-april", "date", "oil AND date:[19870401 to 19870430]"),
    _q("filter-oil-opec", "filter", "oil AND org:opec", org="opec"),
    _q("filter-trade-japan", "filter", "trade AND place:japan", place="japan"),
    _q("filter-dollar-baker", "filter", "dollar AND person:baker", person="baker"),
    _q("filter-cocoa-q1", "filter", "cocoa AND date:[19870101 to 19870331]",
       since="1987-01-01", until="1987-03-31"),
)

#: Query classes in report order.
CLASSES: tuple[str, ...] = tuple(dict.fromkeys(q.cls for q in QUERIES))

#: Classes over paragraph text only, whose hit counts are compared with FTS5.
AGREEMENT_CLASSES: tuple[str, ...] = ("rare", "common", "and2", "and3", "or", "phrase")


def _translate(text: str, default_field: str, fielded: str) -> str:
    """Rewrite terms and phrases with explicit fields, keeping operators and parentheses.

    :param text: query without a date range
    :param default_field: field for bare terms and phrases
    :param fielded: format for a field and a term, e.g. ``"{f} : {t}"``
    """
    out = []
    for tok in _TOKEN.findall(text):
        if tok in ("AND", "OR", "NOT", "(", ")"):
            out.append(tok)
        elif ":" in tok and not tok.startswith('"'):
            f, _, t = tok.partition(":")
            out.append(fielded.format(f=f, t=t))
        else:
            out.append(fielded.format(f=default_field, t=tok))
    return " ".join(out)


def to_fts5(q: BenchQuery) -> tuple[str | None, tuple[int, int] | None]:
    """Translate to an FTS5 ``MATCH`` expression plus a date range for SQL.

    Bare terms get the ``text`` column filter, because FTS5 would otherwise search every
    column (entity columns included).

    :param q: the query
    :returns: ``(match or None when only a date range remains, (from, to) or None)``
    """
    rest = q.terms_only
    return (_translate(rest, "text", "{f} : {t}") if rest else None), q.date_range


def to_tantivy(q: BenchQuery) -> str:
    """Translate to tantivy's query language (``date`` is a u64 field holding YYYYMMDD).

    :param q: the query
    """
    text = _DATE_RANGE.sub(lambda m: f"date:[{m.group(1)} TO {m.group(2)}]", q.text)
    return text
