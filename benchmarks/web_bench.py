"""What a page view of ``searchlib serve`` costs over the library's own search.

For each query of the fixed set (``benchmarks/queries.py``), a top-10 search is timed two
ways, interleaved and warm: ``Index.search(q, limit=10)`` in this process (facets,
highlights, date counts: the library's whole answer), and ``GET /?q=...`` of the HTML page
from a real ``searchlib serve`` on 127.0.0.1 (the same search, plus the request, the
template and the response, read to the end over a kept-alive connection). The overhead is
the difference of the per-query medians. Also timed: ``GET /api/search``.

    python benchmarks/web_bench.py                      # all of Reuters from ../shared
    python benchmarks/web_bench.py --index PATH         # an index built before

The index is built once (through the library, as ``bench.py`` does) at ``--index`` if it
is not there. Results are printed and, with ``--out``, written as JSON.
"""

from __future__ import annotations

import argparse
import http.client
import json
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlencode, urlsplit

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # benchmarks/ is not installed: import it from the repo root
    sys.path.insert(0, str(ROOT))

from benchmarks.corpora import iter_corpus, resolve_corpus  # noqa: E402
from benchmarks.queries import QUERIES  # noqa: E402

#: The target of issue 15: a page view costs at most this much more than the search.
TARGET_MS = 25.0


def build_index(path: Path) -> None:
    from searchlib import Index

    t0 = time.perf_counter()
    ix = Index.create(path)
    report = ix.add_articles(iter_corpus(resolve_corpus("reuters")))
    ix.close()
    print(f"built {path}: {report.paragraphs:,} paragraphs in {time.perf_counter() - t0:.0f} s",
          file=sys.stderr)


def start_server(index: Path) -> tuple[subprocess.Popen, str, int]:
    """``searchlib serve`` on a free loopback port; returns the process, host and port."""
    script = Path(sys.executable).parent / "searchlib"
    proc = subprocess.Popen([str(script), "serve", "--index", str(index), "--port", "0"],
                            stderr=subprocess.PIPE, text=True)
    line = proc.stderr.readline()
    if "serving" not in line:
        proc.kill()
        raise SystemExit(f"searchlib serve did not start: {line.strip()}")
    url = urlsplit(line.split(" at ", 1)[1].split()[0])
    return proc, url.hostname, url.port


def get(conn: http.client.HTTPConnection, path: str) -> float:
    """Seconds for one GET, the whole body read."""
    t0 = time.perf_counter()
    conn.request("GET", path)
    resp = conn.getresponse()
    body = resp.read()
    seconds = time.perf_counter() - t0
    if resp.status != 200:
        raise SystemExit(f"GET {path}: {resp.status} {body[:200]!r}")
    return seconds


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--index", type=Path, default=Path("/tmp/searchlib-web-bench-reuters"),
                    help="index to serve (built from Reuters when absent)")
    ap.add_argument("--repeat", type=int, default=9, help="timed runs per query")
    ap.add_argument("--out", type=Path, help="write the results here as JSON")
    args = ap.parse_args(argv)

    from searchlib import Index

    if not (args.index / "searchlib.json").exists():
        build_index(args.index)
    proc, host, port = start_server(args.index)
    ix = Index.open(args.index)
    rows = []
    try:
        conn = http.client.HTTPConnection(host, port, timeout=60)
        for q in QUERIES:
            page = "/?" + urlencode({"q": q.text})
            api = "/api/search?" + urlencode({"q": q.text})
            ix.search(q.text, limit=10)  # warm both sides (searcher, facet cache, templates)
            get(conn, page)
            get(conn, api)
            lib, html, js = [], [], []
            for _ in range(args.repeat):
                t0 = time.perf_counter()
                ix.search(q.text, limit=10)
                lib.append(time.perf_counter() - t0)
                html.append(get(conn, page))
                js.append(get(conn, api))
            row = {"qid": q.qid, "cls": q.cls,
                   "library_ms": statistics.median(lib) * 1e3,
                   "page_ms": statistics.median(html) * 1e3,
                   "api_ms": statistics.median(js) * 1e3}
            # Paired: each page view against the library search run just before it, so that
            # the load of a shared machine drifting between runs cancels out.
            row["page_overhead_ms"] = statistics.median(
                h - b for h, b in zip(html, lib, strict=True)) * 1e3
            row["api_overhead_ms"] = statistics.median(
                j - b for j, b in zip(js, lib, strict=True)) * 1e3
            rows.append(row)
            print(f"{q.qid:<28} library {row['library_ms']:7.1f} ms  page "
                  f"{row['page_ms']:7.1f} ms  (+{row['page_overhead_ms']:5.1f})  api "
                  f"{row['api_ms']:7.1f} ms  (+{row['api_overhead_ms']:5.1f})")
        conn.close()
    finally:
        ix.close()
        proc.terminate()
        proc.wait(timeout=30)

    summary = {}
    for key in ("library_ms", "page_ms", "api_ms", "page_overhead_ms", "api_overhead_ms"):
        values = [r[key] for r in rows]
        summary[key] = {"p50": round(pct(values, 50), 2), "p95": round(pct(values, 95), 2),
                        "max": round(max(values), 2)}
    worst = summary["page_overhead_ms"]["max"]
    print(json.dumps(summary, indent=1))
    print(f"page view overhead: median {summary['page_overhead_ms']['p50']:.1f} ms, "
          f"worst query {worst:.1f} ms (target <= {TARGET_MS:.0f} ms): "
          f"{'met' if worst <= TARGET_MS else 'NOT met'}")
    if args.out:
        args.out.write_text(json.dumps({
            "machine": {"python": platform.python_version(), "platform": platform.platform()},
            "index": str(args.index), "repeat": args.repeat, "queries": rows,
            "summary": summary}, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
