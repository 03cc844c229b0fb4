"""Score an entity extractor against CoNLL gold annotations (exact-span micro P/R/F1).

Usage::

    .venv/bin/python benchmarks/ner_eval.py [--extractor rules] [--gold PATH] [--limit N]
                                            [--passes N]

PER, LOC and ORG are scored as person, place and org (MISC is ignored). Each article's
sentences are given, detokenised, as its paragraphs. Prints a table, the extractor's
speed in paragraphs per CPU second (the scoring pass over the sentences, then the median
of ``--passes`` passes over 60-word paragraphs, with the load average before and after),
and one JSON line with the same numbers.

Exit status: 0 after scoring; 2 when the gold file is absent (it lives in ``../shared``,
which a fresh clone does not have), so a script cannot mistake "not scored" for a score;
1 when the extractor cannot be loaded.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from searchlib.index.entities import KINDS, get_extractor  # noqa: E402

from benchmarks.conll import GoldArticle, read_conll  # noqa: E402
from searchlib._errors import ExtractorError  # noqa: E402

__all__ = ["DEFAULT_GOLD", "Scores", "score", "speed", "news_paragraphs", "evaluate", "main"]

DEFAULT_GOLD = ROOT.parent / "shared" / "ner-gold" / "conllpp_dev.txt"

Span = tuple[str, int, int, int]  # kind, paragraph index, start, end


class Scores:
    """True positive, false positive and false negative counts, overall and per kind."""

    def __init__(self) -> None:
        self.tp: Counter[str] = Counter()
        self.fp: Counter[str] = Counter()
        self.fn: Counter[str] = Counter()

    def add(self, gold: Iterable[Span], found: Iterable[Span]) -> None:
        """Count one article's spans; a found span is right only if kind and span match."""
        gold_set, found_set = set(gold), set(found)
        for kind, *_ in gold_set & found_set:
            self.tp[kind] += 1
        for kind, *_ in found_set - gold_set:
            self.fp[kind] += 1
        for kind, *_ in gold_set - found_set:
            self.fn[kind] += 1

    def prf(self, kind: str | None = None) -> tuple[float, float, float, int]:
        """Precision, recall, F1 and gold count, for one kind or all (``None``)."""
        keys = [kind] if kind else list(KINDS)
        tp = sum(self.tp[k] for k in keys)
        fp = sum(self.fp[k] for k in keys)
        fn = sum(self.fn[k] for k in keys)
        p = tp / (tp + fp) if tp + fp else 0.0
        r = tp / (tp + fn) if tp + fn else 0.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        return p, r, f, tp + fn

    def as_dict(self) -> dict:
        out = {}
        for kind in (None, *KINDS):
            p, r, f, n = self.prf(kind)
            out[kind or "overall"] = {"precision": round(p, 4), "recall": round(r, 4),
                                      "f1": round(f, 4), "gold": n}
        return out


def _spans(spans: list[list[tuple[str, int, int]]]) -> list[Span]:
    return [(kind, p, s, e) for p, para in enumerate(spans) for kind, s, e in para]


def score(articles: Iterable[GoldArticle], extractor: object) -> tuple[Scores, int, float]:
    """Run *extractor* on each article and score it.

    :param extractor: an :class:`~searchlib.index.entities.Extractor`
    :returns: the scores, the number of paragraphs and the CPU seconds spent extracting
    """
    scores = Scores()
    paragraphs = 0
    seconds = 0.0
    for article in articles:
        t0 = time.process_time()
        found = extractor.extract(article.paragraphs)
        seconds += time.process_time() - t0
        paragraphs += len(article.paragraphs)
        found_spans = [[(e.kind, e.start, e.end) for e in para] for para in found]
        scores.add(_spans(article.spans), _spans(found_spans))
    return scores, paragraphs, seconds


def news_paragraphs(articles: Iterable[GoldArticle], words: int = 60) -> list[list[str]]:
    """Re-join each article's sentences into paragraphs of about *words* words.

    CoNLL sentences are short (about 14 words); the speed target is stated for 60-word
    news paragraphs, so speed is also measured on these.
    """
    out = []
    for article in articles:
        paras, current = [], []
        for sentence in article.paragraphs:
            current.append(sentence)
            if sum(len(s.split()) for s in current) >= words:
                paras.append(" ".join(current))
                current = []
        if current:
            paras.append(" ".join(current))
        out.append(paras)
    return out


def speed(articles: list[list[str]], run: Callable[[list[str]], object], passes: int = 5
          ) -> tuple[list[float], float]:
    """Paragraphs per CPU second of each pass of *run* (an extractor's ``extract``) over
    *articles*, and the mean words per paragraph.

    CPU time of this process, not wall time, so that other jobs on a shared machine do
    not count against the extractor (it runs on one core either way). Even CPU time
    varies with the machine's load (the cores' caches are shared), so several passes are
    timed and the median is the figure quoted.
    """
    count = sum(len(a) for a in articles)
    words = sum(len(p.split()) for a in articles for p in a)
    rates = []
    for _ in range(passes):
        t0 = time.process_time()
        for paragraphs in articles:
            run(paragraphs)
        seconds = time.process_time() - t0
        rates.append(round(count / seconds, 1) if seconds else 0.0)
    return rates, (words / count if count else 0.0)


def evaluate(gold: Path, extractor: str = "tagger", limit: int | None = None,
             passes: int = 5) -> dict:
    """Score a registered extractor on a gold file; the result as a JSON-ready dict.

    :param passes: timed passes over the 60-word paragraphs (after the scoring pass)
    """
    articles = read_conll(str(gold), limit)
    ext = get_extractor(extractor)
    load_before = os.getloadavg()[0]
    try:
        extractor_obj = ext
        # Warm up so one-off loading is not counted as extraction time.
        extractor_obj.extract(["Warm-up paragraph in London."])
        scores, paragraphs, seconds = score(articles, extractor_obj)
        news = news_paragraphs(articles)
        rates, mean_words = speed(news, extractor_obj.extract, passes)
        # The tagger's model alone (scoring and reading tags, before the post-steps and
        # the normalisation every extractor shares), to see which part costs what.
        model = getattr(extractor_obj, "model", None)
        model_rates = speed(news, model.tag, passes)[0] if hasattr(model, "tag") else []
    finally:
        ext.close()
    return {"extractor": extractor, "gold": str(gold), "articles": len(articles),
            "paragraphs": paragraphs,
            "paragraphs_per_second": round(paragraphs / seconds, 1) if seconds else None,
            "news_paragraphs_per_second": statistics.median(rates) if rates else None,
            "news_passes_per_second": rates,
            "model_news_paragraphs_per_second": (statistics.median(model_rates)
                                                 if model_rates else None),
            "news_paragraph_words": round(mean_words, 1),
            "load_average": [round(load_before, 2), round(os.getloadavg()[0], 2)],
            "scores": scores.as_dict()}


def _table(result: dict) -> str:
    lines = [f"{'kind':<8} {'P':>7} {'R':>7} {'F1':>7} {'gold':>6}"]
    for kind, row in result["scores"].items():
        lines.append(f"{kind:<8} {row['precision']:>7.3f} {row['recall']:>7.3f} "
                     f"{row['f1']:>7.3f} {row['gold']:>6}")
    lines.append(f"{result['paragraphs']} paragraphs in {result['articles']} articles, "
                 f"{result['paragraphs_per_second']} sentence-paragraphs/s; "
                 f"{result['news_paragraphs_per_second']} paragraphs/s on "
                 f"{result['news_paragraph_words']}-word paragraphs ({result['extractor']}; "
                 f"median of {len(result['news_passes_per_second'])} passes, CPU time; "
                 f"load {result['load_average'][0]} -> {result['load_average'][1]})")
    if result["model_news_paragraphs_per_second"]:
        lines.append(f"the model alone (tags, before post-steps and normalisation): "
                     f"{result['model_news_paragraphs_per_second']} paragraphs/s")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--extractor", default="tagger", help="a registered extractor name")
    parser.add_argument("--gold", type=Path, default=DEFAULT_GOLD, help="CoNLL gold file")
    parser.add_argument("--limit", type=int, default=None, help="score only N articles")
    parser.add_argument("--passes", type=int, default=5,
                        help="timed passes over the 60-word paragraphs (the median is quoted)")
    args = parser.parse_args(argv)
    if not args.gold.is_file():
        print(f"ner_eval: gold file not found: {args.gold} (it comes from ../shared; "
              "nothing was scored)", file=sys.stderr)
        return 2
    try:
        result = evaluate(args.gold, args.extractor, args.limit, max(args.passes, 1))
    except ExtractorError as exc:
        print(f"ner_eval: {exc}", file=sys.stderr)
        return 1
    print(_table(result))
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
