"""searchlib alone at one size: build an index of a corpus, then time the benchmark queries.

A shorter path than ``bench.py`` to a point of the scale curve when the peers are not
wanted (no entity pre-extraction for them, no peer indexes)::

    .venv/bin/python benchmarks/quickscale.py remix:500000 /tmp/remix500k out.json

The first run builds the index at the path (end to end through the library, timed); a run
on an existing index times the 33 queries as ``bench.py``'s search phase does (cold, then
5 warm runs, top 10 with highlights and facets) and a few misspelt queries that get
suggestions, and writes the figures as JSON.
"""

from __future__ import annotations

import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.bench import SearchlibEngine, _cpu_seconds, _peak_rss  # noqa: E402
from benchmarks.corpora import iter_corpus, resolve_corpus  # noqa: E402
from benchmarks.queries import QUERIES  # noqa: E402
from benchmarks.report import percentile  # noqa: E402

#: Queries that find nothing or next to nothing, so that the suggestion search runs.
MISSES = ("taiwn", "reagn AND tarifs", "opecc", "zinc OR tin OR rubbber", "xqzvbnm")


def build(corpus: str, path: Path) -> dict:
    from searchlib import Index

    t0, cpu0 = time.perf_counter(), _cpu_seconds()
    ix = Index.create(path)
    ix.add_articles(iter_corpus(resolve_corpus(corpus)))
    seconds = time.perf_counter() - t0
    paragraphs = ix.stats().paragraphs
    ix.close()
    cpu = _cpu_seconds() - cpu0
    return {"ingest_seconds": seconds, "paragraphs": paragraphs,
            "cpu_seconds": cpu, "cpu_ms_per_paragraph": cpu * 1e3 / paragraphs,
            "paragraphs_per_s": paragraphs / seconds, "ingest_peak_rss_mb": _peak_rss() / 2**20}


def search(path: Path, repeat: int = 5) -> dict:
    eng = SearchlibEngine()
    t0 = time.perf_counter()
    eng.open(path)
    open_ms = (time.perf_counter() - t0) * 1000
    queries = {}
    for q in QUERIES:
        t0 = time.perf_counter()
        total = eng.search(q, True)
        cold = (time.perf_counter() - t0) * 1000
        warm = []
        for _ in range(repeat):
            t0 = time.perf_counter()
            eng.search(q, True)
            warm.append((time.perf_counter() - t0) * 1000)
        queries[q.qid] = {"cls": q.cls, "total": total, "cold_ms": cold, "full_ms": warm}
    misses = {}
    for text in MISSES:
        eng.ix.search(text)
        times, res = [], None
        for _ in range(repeat):
            t0 = time.perf_counter()
            res = eng.ix.search(text)
            times.append((time.perf_counter() - t0) * 1000)
        misses[text] = {"total": res.total, "suggestion": res.suggestion,
                        "p50_ms": statistics.median(times)}
    warm = [t for r in queries.values() for t in r["full_ms"]]
    paragraphs = eng.ix.stats().paragraphs
    eng.close()
    return {"paragraphs": paragraphs, "open_ms": open_ms,
            "first_cold_ms": queries[QUERIES[0].qid]["cold_ms"],
            "p50_ms": percentile(warm, 50), "p95_ms": percentile(warm, 95),
            "max_ms": max(warm), "search_peak_rss_mb": _peak_rss() / 2**20,
            "misses": misses, "queries": queries}


def main(argv: list[str]) -> int:
    if len(argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    corpus, path, out = argv[0], Path(argv[1]), Path(argv[2])
    result = search(path) if path.exists() else build(corpus, path)
    result["corpus"] = corpus
    previous = json.loads(out.read_text(encoding="utf-8")) if out.exists() else {}
    out.write_text(json.dumps({**previous, **result}, indent=1) + "\n", encoding="utf-8")
    print(json.dumps({k: v for k, v in result.items() if k != "queries"}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
