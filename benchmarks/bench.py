"""The searchlib performance benchmark (issue 6): ingest, queries, peers and scale.

Run from the repository root::

    .venv/bin/python benchmarks/bench.py --scale 0.1,0.3,1.0     # the full run (make bench)
    .venv/bin/python benchmarks/bench.py --quick                 # a small run, ~1 minute

Every ingest and every search phase runs in a fresh child process (spawned, not forked),
so each phase's peak RSS is its own.  A Markdown report goes to stdout and a JSON file to
``benchmarks/results/<date>-<corpus>.json``.
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import inspect
import io
import json
import multiprocessing as mp
import os
import pickle
import platform
import pstats
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # benchmarks/ is not installed: import it from the repo root
    sys.path.insert(0, str(ROOT))

from searchlib.index.entities import DEFAULT_EXTRACTOR  # noqa: E402

from benchmarks import report  # noqa: E402
from benchmarks.corpora import CorpusError, CorpusSpec, iter_corpus, resolve_corpus  # noqa: E402
from benchmarks.queries import QUERIES, BenchQuery  # noqa: E402

RESULTS = ROOT / "benchmarks" / "results"
ENGINES = ("searchlib", "whoosh-naive", "fts5", "tantivy")
LIMIT = 10
FACETS = 10
#: Warm runs of one query stop early once they have used this many seconds (min. 2 runs),
#: so a slow peer cannot blow the run's time budget.
WARM_BUDGET_S = 1.5


# --- child processes -------------------------------------------------------------------

def _peak_rss() -> int:
    """Peak resident set size of this process so far, in bytes.

    Reads VmHWM, the high-water mark of this process image: ``getrusage().ru_maxrss``
    would be wrong here, because Linux carries it over fork + exec, so every spawned
    child would report at least the parent's size at the time it was started.
    """
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # KiB on Linux


def _cpu_seconds() -> float:
    """CPU seconds (user and system) of this process and of its children that have ended:
    beside wall time, it tells a busy machine (wall time up, CPU time not) from a slow one
    (both up)."""
    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(
        resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


def _dir_size(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


def _profiled(profile: str | None, fn: Callable[[], Any]) -> Any:
    """Run *fn*, under cProfile writing to *profile* when given."""
    if not profile:
        return fn()
    prof = cProfile.Profile()
    try:
        return prof.runcall(fn)
    finally:
        prof.dump_stats(profile)


class _Counted:
    """Wraps the article stream to count what went in (articles, paragraphs, raw bytes)."""

    def __init__(self, articles: Iterable) -> None:
        self.articles = articles
        self.n_articles = self.n_paragraphs = self.raw_bytes = 0

    def __iter__(self) -> Iterator:
        for a in self.articles:
            self.n_articles += 1
            self.n_paragraphs += 1 + len(a.paragraphs)  # the headline is paragraph 0
            self.raw_bytes += len(a.title.encode()) + sum(len(p.encode()) for p in a.paragraphs)
            yield a


def ingest_searchlib(spec: CorpusSpec, n_articles: int, path: str, extractor: str,
                     profile: str | None = None) -> dict:
    """Child: index the first *n_articles* end to end through the library.

    Timed from the first read of the corpus to the last commit: read, split, extract
    entities, write, commit.

    :param spec: the corpus
    :param n_articles: how many articles (a prefix of the corpus)
    :param path: the new index directory
    :param extractor: entity extractor name given to ``Index.create``
    :param profile: write cProfile stats here
    """
    from searchlib import Index

    base = _peak_rss()
    stream = _Counted(iter_corpus(spec, limit=n_articles))

    def run() -> Any:
        kwargs = {"extractor": extractor} if "extractor" in inspect.signature(
            Index.create).parameters else {}
        ix = Index.create(path, **kwargs)
        summary = ix.add_articles(stream)
        paragraphs = getattr(ix.stats(), "paragraphs", None)
        ix.close()
        return summary, paragraphs

    t0, cpu0 = time.perf_counter(), _cpu_seconds()
    summary, indexed = _profiled(profile, run)
    seconds = time.perf_counter() - t0
    return {"seconds": seconds, "cpu_seconds": _cpu_seconds() - cpu0,
            "articles": stream.n_articles,
            "paragraphs": stream.n_paragraphs, "indexed_paragraphs": indexed,
            "raw_bytes": stream.raw_bytes, "index_bytes": _dir_size(Path(path)),
            "peak_rss": _peak_rss(), "baseline_rss": base, "summary": repr(summary)}


def ingest_peer(name: str, records_file: str, n_records: int, path: str) -> dict:
    """Child: build a peer's index from precomputed paragraph records.

    Only the engine is timed: the records (with entities) are unpickled before the clock.

    :param name: peer name
    :param records_file: pickle of :class:`~benchmarks.peers.Paragraph` records
    :param n_records: how many records to index (a prefix)
    :param path: the new index directory
    """
    from benchmarks.peers import make_peer

    with open(records_file, "rb") as fh:
        records = pickle.load(fh)[:n_records]
    base = _peak_rss()
    peer = make_peer(name)
    Path(path).mkdir(parents=True)
    t0, cpu0 = time.perf_counter(), _cpu_seconds()
    peer.build(Path(path), records)
    seconds = time.perf_counter() - t0
    raw = sum(len(r.text.encode()) for r in records)
    return {"seconds": seconds, "cpu_seconds": _cpu_seconds() - cpu0,
            "articles": len({r.article_id for r in records}),
            "paragraphs": len(records), "raw_bytes": raw, "index_bytes": _dir_size(Path(path)),
            "peak_rss": _peak_rss(), "baseline_rss": base}


class SearchlibEngine:
    """searchlib behind the peers' interface; features are detected, not assumed."""

    name = "searchlib"

    def open(self, path: Path) -> None:
        from searchlib import Index

        self.ix = Index.open(path)
        self.params = inspect.signature(self.ix.search).parameters

    def search(self, q: BenchQuery, full: bool) -> int:
        kwargs: dict[str, Any] = {}
        if "facets" in self.params:
            kwargs["facets"] = FACETS if full else 0
        for flag in ("highlight", "highlights"):
            if flag in self.params:
                kwargs[flag] = full
        for key, value in q.filters.items():  # issue 4 filters, when this version has them
            if key in self.params:
                kwargs[key] = dt.date.fromisoformat(value) if key in ("since", "until") else value
        res = self.ix.search(q.text, limit=LIMIT, **kwargs)
        for hit in res.hits:
            _ = hit.id, hit.title
            if full:
                _ = hit.highlight
        if full:
            _ = getattr(res, "facets", None)
        return res.total

    def close(self) -> None:
        self.ix.close()


def search_phase(engine: str, path: str, repeat: int, profile: str | None = None) -> dict:
    """Child: open an index and run the query set, cold then warm, in both modes.

    Per query: the first run (cold: first query in a fresh process after opening the
    index) is CLI-like ("full": top 10 with highlights and facets); then up to *repeat*
    warm runs in "full" mode and as many in "plain" mode (top 10, no facets).

    :param engine: ``searchlib`` or a peer name
    :param path: the index directory
    :param repeat: warm runs per query and mode
    :param profile: write cProfile stats here
    """
    if engine == "searchlib":
        eng: Any = SearchlibEngine()
    else:
        from benchmarks.peers import make_peer
        eng = make_peer(engine)
    base = _peak_rss()
    out: dict[str, dict] = {}

    def timed(q: BenchQuery, full: bool) -> tuple[float, int]:
        t0 = time.perf_counter()
        total = eng.search(q, full)
        return (time.perf_counter() - t0) * 1000, total

    def run() -> None:
        t0 = time.perf_counter()
        eng.open(Path(path))
        out["_open_ms"] = {"ms": (time.perf_counter() - t0) * 1000}
        for q in QUERIES:
            cold, total = timed(q, True)
            rec: dict[str, Any] = {"cls": q.cls, "total": total, "cold_ms": cold}
            for mode, full in (("full", True), ("plain", False)):
                times: list[float] = []
                while len(times) < repeat and (len(times) < 2 or sum(times) < WARM_BUDGET_S * 1e3):
                    times.append(timed(q, full)[0])
                rec[f"{mode}_ms"] = times
            out[q.qid] = rec
        eng.close()

    _profiled(profile, run)
    open_ms = out.pop("_open_ms")["ms"]
    return {"queries": out, "open_ms": open_ms, "peak_rss": _peak_rss(), "baseline_rss": base}


def _in_child(fn: Callable[..., dict], *args: Any) -> dict:
    """Run *fn* in a freshly spawned process and return its result."""
    with ProcessPoolExecutor(1, mp_context=mp.get_context("spawn")) as pool:
        return pool.submit(fn, *args).result()


# --- orchestration ---------------------------------------------------------------------

def machine_info() -> dict:
    """CPU count, memory and the versions of Python, Whoosh, SQLite and the peers."""
    import sqlite3
    from importlib import metadata

    def version(dist: str) -> str | None:
        try:
            return metadata.version(dist)
        except metadata.PackageNotFoundError:
            return None

    def git(*argv: str) -> str:
        try:
            return subprocess.run(["git", "-C", str(ROOT), *argv], capture_output=True,
                                  text=True, check=False).stdout.strip()
        except OSError:
            return ""

    commit = git("rev-parse", "--short", "HEAD")
    # The library's own code may be ahead of HEAD (others work in the same tree): say so.
    if git("status", "--porcelain", "--", "searchlib", "index"):
        commit += "+uncommitted"
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    return {"cpu_count": os.cpu_count(), "loadavg_at_end": os.getloadavg(),
            "memory_gb": round(mem / 2**30, 1),
            "platform": platform.platform(), "processor": platform.processor(),
            "python": platform.python_version(), "whoosh": version("whoosh3"),
            "searchlib": version("searchlib"), "sqlite": sqlite3.sqlite_version,
            "sqlite_utils": version("sqlite-utils"), "tantivy": version("tantivy"),
            "git_commit": commit}


def precompute_records(spec: CorpusSpec, extractor: str, path: Path) -> tuple[list[int], dict]:
    """Extract entities for the whole corpus once and pickle the peers' records.

    :param spec: the corpus
    :param extractor: entity extractor name
    :param path: where to write the pickle
    :returns: records per article prefix (cumulative counts), and timing facts
    """
    from benchmarks.peers import paragraph_records

    articles = list(iter_corpus(spec))
    t0 = time.perf_counter()
    records = paragraph_records(articles, extractor)
    seconds = time.perf_counter() - t0
    cumulative, n = [0], 0
    for a in articles:
        n += 1 + len(a.paragraphs)
        cumulative.append(n)
    with open(path, "wb") as fh:
        pickle.dump(records, fh, protocol=pickle.HIGHEST_PROTOCOL)
    return cumulative, {"articles": len(articles), "paragraphs": len(records),
                        "extract_seconds": seconds,
                        "extract_rate": len(records) / seconds if seconds else None}


def run_scale(spec: CorpusSpec, frac: float, n_articles: int, n_records: int, engines: list[str],
              args: argparse.Namespace, work: Path, records_file: Path) -> dict:
    """Ingest and query every engine at one corpus size.

    :param frac: the fraction of the corpus (for the report)
    :param n_articles: articles at this size
    :param n_records: the peers' paragraphs at this size
    """
    result: dict[str, Any] = {"fraction": frac, "articles": n_articles, "engines": {}}
    for engine in engines:
        path = work / f"{frac}-{engine}"
        log(f"  {engine}: ingest ...")
        if engine == "searchlib":
            ingest = _in_child(ingest_searchlib, spec, n_articles, str(path), args.extractor)
        else:
            ingest = _in_child(ingest_peer, engine, str(records_file), n_records, str(path))
        log(f"  {engine}: {ingest['paragraphs']} paragraphs in {ingest['seconds']:.1f} s; "
            "queries ...")
        search = _in_child(search_phase, engine, str(path), args.repeat)
        result["engines"][engine] = {"ingest": ingest, "search": search}
        shutil.rmtree(path, ignore_errors=True)
    return result


def profile_searchlib(spec: CorpusSpec, n_articles: int, args: argparse.Namespace,
                      work: Path) -> str:
    """Profile searchlib's ingest and search at one size; return the top functions as text."""
    out = io.StringIO()
    path = work / "profile-searchlib"
    for phase, fn, fargs in (
        ("ingest", ingest_searchlib, (spec, n_articles, str(path), args.extractor)),
        ("search", search_phase, ("searchlib", str(path), args.repeat)),
    ):
        prof = work / f"{phase}.prof"
        _in_child(fn, *fargs, str(prof))
        for key in ("tottime", "cumulative"):
            out.write(f"\n## searchlib {phase}: top functions by {key}\n\n")
            stats = pstats.Stats(str(prof), stream=out)
            stats.strip_dirs().sort_stats(key).print_stats(args.profile_top)
    return out.getvalue()


def log(msg: str) -> None:
    """Progress to stderr, so stdout stays a clean Markdown report."""
    print(msg, file=sys.stderr, flush=True)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--corpus", help="reuters (default, from ../shared), wikinews, synthetic:N "
                   "or a path to a Reuters directory / Wikinews CSV")
    p.add_argument("--scale", default="0.1,0.3,1.0",
                   help="comma-separated corpus fractions (default 0.1,0.3,1.0)")
    p.add_argument("--engines", default=",".join(ENGINES),
                   help=f"comma-separated, from {', '.join(ENGINES)}")
    p.add_argument("--repeat", type=int, default=5, help="warm runs per query and mode")
    p.add_argument("--extractor", default=DEFAULT_EXTRACTOR,
                   help=f"entity extractor (default: the library's, {DEFAULT_EXTRACTOR})")
    p.add_argument("--quick", action="store_true",
                   help="a small run: 5%% of the corpus, 3 warm runs, no JSON unless --json")
    p.add_argument("--json", type=Path, help="write the JSON here instead of "
                   "benchmarks/results/<date>-<corpus>.json")
    p.add_argument("--no-json", action="store_true", help="do not write a JSON file")
    p.add_argument("--profile", action="store_true",
                   help="instead of the benchmark, cProfile searchlib at the largest scale")
    p.add_argument("--profile-top", type=int, default=25, help="functions shown per profile")
    p.add_argument("--keep", action="store_true", help="keep the work directory")
    args = p.parse_args(argv)
    if args.quick:
        args.scale, args.repeat = "0.05", min(args.repeat, 3)
        args.no_json = args.no_json or args.json is None
    args.fractions = [float(s) for s in args.scale.split(",") if s.strip()]
    args.engine_list = [e.strip() for e in args.engines.split(",") if e.strip()]
    unknown = set(args.engine_list) - set(ENGINES)
    if unknown or not args.fractions or any(not 0 < f <= 1 for f in args.fractions):
        p.error(f"bad --engines {sorted(unknown)} or --scale {args.scale!r} (fractions in (0, 1])")
    return args


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark; print the Markdown report; write the JSON.

    :param argv: command-line arguments (default ``sys.argv[1:]``)
    :returns: the process exit status
    """
    args = parse_args(argv)
    try:
        spec = resolve_corpus(args.corpus)
    except CorpusError as e:
        log(f"benchmark: {e}")
        return 2
    from benchmarks.peers import available_peers

    engines, skipped = [], {}
    for e in args.engine_list:
        reason = None if e == "searchlib" else available_peers()[e]
        (skipped.__setitem__(e, reason) if reason else engines.append(e))
    for e, reason in skipped.items():
        log(f"benchmark: skipping peer {e}: {reason}")

    work = Path(tempfile.mkdtemp(prefix="searchlib-bench-"))
    started = time.time()
    load = os.getloadavg()
    if load[0] > 0.5:  # other work on the machine distorts every figure: say so up front
        log(f"benchmark: warning: load average {load[0]:.2f} before starting; "
            "timings will be pessimistic")
    try:
        records_file = work / "records.pkl"
        log(f"benchmark: reading {spec.name} and extracting entities for the peers ...")
        cumulative, corpus = precompute_records(spec, args.extractor, records_file)
        total = corpus["articles"]
        sizes = [(f, max(1, round(f * total))) for f in args.fractions]
        if args.profile:
            frac, n = max(sizes)
            log(f"benchmark: profiling searchlib at {frac:g} ({n} articles); .prof files in "
                f"{work} (with --keep)")
            print(profile_searchlib(spec, n, args, work))
            return 0
        scales = []
        for frac, n in sizes:
            log(f"benchmark: scale {frac:g} ({n} articles, {cumulative[n]} paragraphs)")
            scales.append(run_scale(spec, frac, n, cumulative[n], engines, args, work,
                                    records_file))
    finally:
        if args.keep:
            log(f"benchmark: work directory kept at {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)

    result = {"date": dt.date.today().isoformat(), "corpus": spec.name,
              "corpus_path": str(spec.path) if spec.path else None, "machine": machine_info(),
              "settings": {"repeat": args.repeat, "extractor": args.extractor, "limit": LIMIT,
                           "facets": FACETS, "warm_budget_s": WARM_BUDGET_S,
                           "quick": args.quick},
              "loadavg_at_start": load, "skipped_peers": skipped, "corpus_facts": corpus,
              "queries": [{"qid": q.qid, "cls": q.cls, "text": q.text} for q in QUERIES],
              "scales": scales, "wall_seconds": round(time.time() - started, 1)}
    report.summarise(result)
    print(report.markdown(result))
    if not args.no_json:
        out = args.json or RESULTS / f"{result['date']}-{spec.name}.json"
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(result, indent=1, default=str) + "\n", encoding="utf-8")
        log(f"benchmark: wrote {out}")
        if report.plot_scale([result], out.with_suffix(".png")):
            log(f"benchmark: wrote {out.with_suffix('.png')}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
