"""Entity quality as users see it: judged top names, redundant names, within-article resolution.

Usage::

    .venv/bin/python benchmarks/entity_quality.py [--extractor tagger] [--work DIR]
        [--corpus wikinews|reuters|all] [--pending] [--evidence-cost]

For each corpus (all of Wikinews in ``../shared/corpus/wikinews``; the first 2,000
Reuters-21578 articles) an index is built with the extractor (kept in ``--work`` and reused
while the extractor's provenance tag is unchanged), and:

- **judged precision**: the top 50 names of each kind (``searchlib entities --kind K --top
  50``) are looked up in ``benchmarks/judgements/facets.tsv``, hand judgements stored as
  ``corpus, kind, name, verdict`` rows (``ok`` = a real entity of that kind in a clean
  canonical form; ``bad`` otherwise); precision is the share of ``ok`` among the judged
  names, plain and weighted by paragraph counts. Names nobody judged yet are counted and, with
  ``--pending``, printed as rows to judge (they never count as right).
- **redundant names**: among the top 200 persons of Wikinews, the names that are another
  name's variant (one's words, accents and case aside, are a part of the other's, as
  "Trump" of "Donald Trump"); the figure is the largest number of redundant names of one
  person.
- **resolution**: ``benchmarks/judgements/resolution.tsv`` holds hand-annotated surname and
  role mentions of Wikinews articles as ``article id, paragraph, start, end, full name``
  (offsets into the stored paragraph, no text); the score is the share of them that the
  index stores under that full name.

``--evidence-cost`` instead times the extractor over 300 Wikinews articles with the article
evidence passes on and off (CPU time, alternating rounds in one process).

Prints a table and one JSON line. Exit status 2 when ``../shared`` is absent.
"""

from __future__ import annotations

import argparse
import csv
import itertools
import json
import sys
import time
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from searchlib.index.entities import get_extractor  # noqa: E402
from searchlib.index.entities._base import provenance_tag  # noqa: E402

import searchlib  # noqa: E402
from benchmarks import reuters  # noqa: E402
from benchmarks.corpora import SHARED, iter_wikinews  # noqa: E402

JUDGEMENTS = ROOT / "benchmarks" / "judgements"
FACETS_FILE = JUDGEMENTS / "facets.tsv"
RESOLUTION_FILE = JUDGEMENTS / "resolution.tsv"
REUTERS_ARTICLES = 2000
TOP = 50
KINDS = ("person", "place", "org")


def corpus_articles(name: str) -> list[searchlib.Article]:
    if name == "wikinews":
        return list(iter_wikinews(SHARED / "corpus" / "wikinews"))
    return list(reuters.iter_articles(SHARED / "corpus" / "reuters21578",
                                      limit=REUTERS_ARTICLES))


def build(name: str, extractor: str, work: Path) -> searchlib.Index:
    """The corpus indexed with *extractor*, rebuilt when the extractor changed."""
    where = work / f"{name}-{extractor}"
    ext = get_extractor(extractor)
    tag = provenance_tag(ext)
    ext.close()
    stamp = where / "built-with.txt"
    if stamp.exists() and stamp.read_text() == tag:
        return searchlib.Index.open(where)
    t0 = time.time()
    ix = searchlib.Index.create(where, extractor=extractor, overwrite=True)
    ix.add_articles(corpus_articles(name))
    stamp.write_text(tag)
    print(f"built {where} in {time.time() - t0:.0f}s", file=sys.stderr)
    return ix


def read_judgements() -> dict[tuple[str, str, str], str]:
    out = {}
    if FACETS_FILE.exists():
        with FACETS_FILE.open(encoding="utf-8") as f:
            for row in csv.reader(f, delimiter="\t"):
                if row and not row[0].startswith("#") and len(row) >= 4:
                    out[(row[0], row[1], row[2])] = row[3]
    return out


def judged(ix: searchlib.Index, corpus: str, judgements: dict) -> tuple[dict, list]:
    """Precision per kind (plain and weighted) of the top names, and the unjudged rows."""
    result, pending = {}, []
    for kind in KINDS:
        ok = bad = ok_w = bad_w = 0
        unjudged = 0
        for e in ix.entities(kind=kind, top=TOP):
            verdict = judgements.get((corpus, kind, e.name))
            if verdict == "ok":
                ok, ok_w = ok + 1, ok_w + e.count
            elif verdict == "bad":
                bad, bad_w = bad + 1, bad_w + e.count
            else:
                unjudged += 1
                pending.append((corpus, kind, e.name, "?", e.count))
        result[kind] = {
            "precision": round(ok / (ok + bad), 3) if ok + bad else None,
            "weighted": round(ok_w / (ok_w + bad_w), 3) if ok_w + bad_w else None,
            "judged": ok + bad, "unjudged": unjudged}
    return result, pending


def _fold(text: str) -> list[str]:
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return (plain if plain.strip() else text).casefold().replace(".", "").split()


def redundant(ix: searchlib.Index, top: int = 200) -> tuple[int, dict[str, list[str]]]:
    """The most redundant names of one person among the top persons, and every group."""
    names = [e.name for e in ix.entities(kind="person", top=top)]
    groups: dict[str, list[str]] = {}
    for name in names:
        words = _fold(name)
        for other in names:
            if other == name:
                continue
            theirs = _fold(other)
            n = len(words)
            if 0 < n < len(theirs) and any(theirs[i:i + n] == words
                                       for i in range(len(theirs) - n + 1)):
                groups.setdefault(other, []).append(name)
    return max((len(v) for v in groups.values()), default=0), groups


def resolution(ix: searchlib.Index) -> dict:
    """Share of the annotated mentions stored under the annotated full name."""
    if not RESOLUTION_FILE.exists():
        return {"mentions": 0, "articles": 0, "score": None}
    rows = []
    with RESOLUTION_FILE.open(encoding="utf-8") as f:
        for row in csv.reader(f, delimiter="\t"):
            if row and not row[0].startswith("#"):
                rows.append((row[0], int(row[1]), int(row[2]), int(row[3]), row[4]))
    right, wrong = 0, []
    with ix._lock:  # the stored mentions, with their spans
        ix._current()
        docs = ix._docs
        for aid, para, start, end, name in rows:
            docnum = docs.docnum(aid, para)
            found = docs.body(docnum)[1] if docnum is not None else []
            got = [m[3] for m in found if m[1] == start and m[2] == end]
            if got == [name]:
                right += 1
            else:
                wrong.append((aid, para, start, end, name, got))
    return {"mentions": len(rows), "articles": len({r[0] for r in rows}),
            "score": round(right / len(rows), 3) if rows else None, "wrong": wrong}


def evidence_cost(extractor: str, articles: int = 300, rounds: int = 3) -> dict:
    """CPU paragraphs per second of *extractor* over Wikinews articles with the article
    evidence passes (``index/entities/_evidence.py``) on and off, alternating in one process."""
    from searchlib.index.entities import _normalise

    passes = ("headline_names", "drop_things", "drop_words", "attributive_people",
              "companies", "vote_kinds")
    saved = {name: getattr(_normalise, name) for name in passes}
    texts = [list(a.paragraphs) for a in
             itertools.islice(iter_wikinews(SHARED / "corpus" / "wikinews"), articles)]
    count = sum(len(t) for t in texts)
    ext = get_extractor(extractor)
    rates: dict[str, list[int]] = {"on": [], "off": []}
    try:
        for r in range(rounds + 1):  # the first round warms the caches
            for state in ("on", "off"):
                for name in passes:
                    setattr(_normalise, name, saved[name] if state == "on" else
                            (lambda paragraphs, staged: None))
                t0 = time.process_time()
                for text in texts:
                    ext.extract(text)
                if r:
                    rates[state].append(round(count / (time.process_time() - t0)))
    finally:
        for name in passes:
            setattr(_normalise, name, saved[name])
        ext.close()
    return {"paragraphs": count, "articles": len(texts), "paragraphs_per_second": rates}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--extractor", default="tagger")
    parser.add_argument("--work", type=Path, default=Path("/tmp/searchlib-entity-quality"))
    parser.add_argument("--corpus", choices=["wikinews", "reuters", "all"], default="all")
    parser.add_argument("--pending", action="store_true", help="print the unjudged names")
    parser.add_argument("--evidence-cost", action="store_true",
                        help="only time the extractor with the article evidence on and off")
    args = parser.parse_args(argv)
    if not (SHARED / "corpus").is_dir():
        print(f"entity_quality: {SHARED / 'corpus'} not found (nothing was measured)",
              file=sys.stderr)
        return 2
    if args.evidence_cost:
        print(json.dumps({"extractor": args.extractor,
                          "evidence_cost": evidence_cost(args.extractor)}))
        return 0
    args.work.mkdir(parents=True, exist_ok=True)
    judgements = read_judgements()
    out: dict = {"extractor": args.extractor}
    pending: list = []
    for corpus in (["wikinews", "reuters"] if args.corpus == "all" else [args.corpus]):
        with build(corpus, args.extractor, args.work) as ix:
            out[corpus], more = judged(ix, corpus, judgements)
            pending += more
            if corpus == "wikinews":
                most, groups = redundant(ix)
                out["redundant_persons"] = most
                out["redundant_groups"] = {k: v for k, v in groups.items() if v}
                out["resolution"] = resolution(ix)
    for corpus in ("wikinews", "reuters"):
        for kind in KINDS if corpus in out else ():
            r = out[corpus][kind]
            print(f"{corpus:<9} {kind:<7} precision {r['precision']}  weighted "
                  f"{r['weighted']}  ({r['judged']} judged, {r['unjudged']} unjudged)")
    if "resolution" in out:
        res = out["resolution"]
        print(f"resolution: {res['score']} of {res['mentions']} mentions in "
              f"{res['articles']} articles; most redundant names of one person in the top "
              f"200: {out['redundant_persons']}")
    if args.pending:
        for row in pending:
            print("\t".join(map(str, row)))
    print(json.dumps(out, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
