"""Time the queries that used to run for minutes: fuzzy short words and broad wildcards.

Builds (once, at --index) an index of all of Reuters-21578 from ../shared, then runs each
query a few times through ``Index.search`` (highlights and facets included, as the CLI
shows them) and prints the median time, the hit count and any notice (a capped expansion).

    python benchmarks/query_caps.py --index /tmp/reuters-ix
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from reuters import iter_articles  # noqa: E402

import searchlib  # noqa: E402

REUTERS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "reuters21578"

QUERIES = ["oil~2 bank~2", "ab~2 o~2", "a*", "s*", "co* OR ba*", "oil~ prices", "Taiwan~2",
           "US sanctions", "oil OR \"crude oil\"", "WHO", "minister of finance"]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", required=True, help="where the Reuters index is (built "
                                                       "there first if absent)")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    path = Path(args.index)
    if not (path / "searchlib.json").exists():
        if not REUTERS.exists():
            print(f"../shared not present: {REUTERS} is needed", file=sys.stderr)
            return 1
        start = time.perf_counter()
        with searchlib.Index.create(path) as ix:
            ix.add_articles(iter_articles(REUTERS))
        print(f"indexed Reuters in {time.perf_counter() - start:.0f} s")
    with searchlib.Index.open(path) as ix:
        print(f"{ix.stats().paragraphs:,} paragraphs")
        for q in QUERIES:
            times = []
            for _ in range(args.repeat):
                start = time.perf_counter()
                results = ix.search(q)
                times.append(time.perf_counter() - start)
            notes = "; ".join(results.notices)
            print(f"{q!r:28} {statistics.median(times) * 1000:8.1f} ms  "
                  f"{results.total:>7,} hits  {notes[:110]}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
