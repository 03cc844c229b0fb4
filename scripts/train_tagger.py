"""Train the ``tagger`` extractor's averaged perceptron and write its weights.

Usage::

    .venv/bin/python scripts/train_tagger.py [--train PATH] [--dev PATH] [--epochs N]

Trains on CoNLL++ train (``../shared/ner-gold/conllpp_train.txt``, the CoNLL-2003 training
split) ONLY; the dev split picks the number of epochs (the epoch with the best dev
exact-span F1 is kept) and nothing else. The sentences of each article are detokenised into
paragraphs exactly as ``benchmarks/ner_eval.py`` does, then tokenised by the extractor's own
tokeniser, so the model learns from the tokens it will see in real text. Features seen
fewer than ``--min-count`` times are dropped; the weights are stored as float16 in
``index/entities/data/tagger.npz``.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from searchlib.index.entities._features import TAGS, token_feature_lists, tokenise  # noqa: E402
from searchlib.index.entities._tagger import MODEL_FILE  # noqa: E402
from searchlib.index.entities._tagmodel import Model  # noqa: E402

from benchmarks.conll import detokenise  # noqa: E402

SHARED = ROOT.parent / "shared" / "ner-gold"


def read_articles(path: Path) -> list[tuple[list[str], list[list[tuple[str, int, int]]]]]:
    """Articles as (paragraphs, per paragraph ``(TYPE, start, end)`` spans incl. MISC)."""
    articles: list = []
    tokens: list[str] = []
    tags: list[str] = []

    def flush() -> None:
        if tokens:
            text, offsets = detokenise(tokens)
            spans, current = [], None
            for (start, end), tag in zip(offsets, tags, strict=True):
                prefix, _, etype = tag.partition("-")
                if prefix == "I" and current and current[0] == etype:
                    current[2] = end
                    continue
                if current:
                    spans.append(tuple(current))
                current = [etype, start, end] if prefix in ("B", "I") else None
            if current:
                spans.append(tuple(current))
            if not articles:
                articles.append(([], []))
            articles[-1][0].append(text)
            articles[-1][1].append(spans)
        tokens.clear()
        tags.clear()

    with path.open(encoding="utf-8") as lines:
        for line in lines:
            fields = line.split()
            if not fields:
                flush()
            elif fields[0] == "-DOCSTART-":
                flush()
                articles.append(([], []))
            else:
                tokens.append(fields[0])
                tags.append(fields[-1])
    flush()
    return [a for a in articles if a[0]]


def token_tags(text: str, spans: list[tuple[str, int, int]]) -> list[str]:
    """The gold tag of each of the extractor's tokens of *text*."""
    out = []
    for _, start, end in tokenise(text):
        tag = "O"
        for etype, s, e in spans:
            if s <= start and end <= e:
                tag = ("B-" if start == s else "I-") + etype
                break
        out.append(tag)
    return out


def featurise(articles: list) -> list[tuple[list[list[list[str]]], list[list[str]]]]:
    return [(token_feature_lists(paras), [token_tags(t, s) for t, s in zip(paras, spans,
                                                                              strict=True)])
            for paras, spans in articles]


def f1(model: Model, articles: list) -> float:
    """Exact-span F1 over PER, LOC and ORG (the raw tagger, before normalisation)."""
    tp = fp = fn = 0
    for paras, gold in articles:
        found = model.tag(paras)
        for g, f in zip(gold, found, strict=True):
            gs = {s for s in g if s[0] != "MISC"}
            fs = {s for s in f if s[0] != "MISC"}
            tp += len(gs & fs)
            fp += len(fs - gs)
            fn += len(gs - fs)
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return 2 * p * r / (p + r) if p + r else 0.0


def train(args: argparse.Namespace) -> int:
    t0 = time.time()
    train_articles = read_articles(args.train)
    dev_articles = read_articles(args.dev)
    data = featurise(train_articles)
    print(f"{len(train_articles)} training articles featurised in {time.time() - t0:.0f}s",
          flush=True)
    counts: dict[str, int] = {}
    for paras, _ in data:
        for para in paras:
            for feats in para:
                for f in feats:
                    counts[f] = counts.get(f, 0) + 1
    features = sorted(f for f, c in counts.items() if c >= args.min_count)
    index = {f: i for i, f in enumerate(features)}
    tag_index = {t: i for i, t in enumerate(TAGS)}
    examples = [(np.array([index[f] for f in feats if f in index], dtype=np.int64),
                 tag_index[tag])
                for paras, tags in data for para, ptags in zip(paras, tags, strict=True)
                for feats, tag in zip(para, ptags, strict=True)]
    print(f"{len(features)} features, {len(examples)} tokens", flush=True)
    weights = np.zeros((len(features), len(TAGS)), dtype=np.float64)
    totals = np.zeros_like(weights)  # sum of c * update, for the averaged weights
    rng = random.Random(12)
    c = 1
    best, best_weights = -1.0, None
    for epoch in range(1, args.epochs + 1):
        order = list(range(len(examples)))
        rng.shuffle(order)
        errors = 0
        for k in order:
            ids, gold = examples[k]
            guess = int(weights[ids].sum(axis=0).argmax())
            if guess != gold:
                errors += 1
                weights[ids, gold] += 1
                weights[ids, guess] -= 1
                totals[ids, gold] += c
                totals[ids, guess] -= c
            c += 1
        averaged = weights - totals / c
        score = f1(Model(features, averaged), dev_articles)
        print(f"epoch {epoch}: {errors} training errors, dev F1 {score:.4f} "
              f"({time.time() - t0:.0f}s)", flush=True)
        if score > best:
            best, best_weights = score, averaged.copy()
    assert best_weights is not None
    # Features whose averaged weights are all ~0 cost space and change nothing.
    keep = np.abs(best_weights).max(axis=1) >= args.prune
    kept = [f for f, k in zip(features, keep, strict=True) if k]
    np.savez_compressed(args.out, features=np.array("\n".join(kept)),
                        weights=best_weights[keep].astype(np.float16))
    print(f"best dev F1 {best:.4f}; {len(kept)} features written to {args.out} "
          f"({args.out.stat().st_size / 1e6:.1f} MB)")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--train", type=Path, default=SHARED / "conllpp_train.txt")
    parser.add_argument("--dev", type=Path, default=SHARED / "conllpp_dev.txt")
    parser.add_argument("--epochs", type=int, default=10)
    parser.add_argument("--min-count", type=int, default=1)
    parser.add_argument("--prune", type=float, default=0.05)
    parser.add_argument("--out", type=Path, default=MODEL_FILE)
    args = parser.parse_args(argv)
    for path in (args.train, args.dev):
        if not path.is_file():
            print(f"train_tagger: not found: {path} (it comes from ../shared)", file=sys.stderr)
            return 2
    return train(args)


if __name__ == "__main__":
    sys.exit(main())
