"""The benchmark's scale corpus of re-combined real sentences, and the scale curve."""

from __future__ import annotations

import copy
import datetime as dt
import importlib.util
import json
import sys
from pathlib import Path

import pytest

from tests.shared import SHARED

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks import corpora, remix, report  # noqa: E402

REUTERS = SHARED / "corpus" / "reuters21578"
RESULTS = Path(__file__).resolve().parents[1] / "benchmarks" / "results"


@pytest.fixture(scope="module")
def articles():
    if not REUTERS.exists():
        pytest.skip(f"../shared not present: the Reuters corpus {REUTERS} is needed")
    return list(remix.remix_articles(1500, REUTERS, None, seed=5))


def test_remix_has_the_size_asked_for_and_is_repeatable(articles):
    assert sum(len(a.paragraphs) for a in articles) == 1500
    again = list(remix.remix_articles(1500, REUTERS, None, seed=5))
    assert [a.paragraphs for a in again] == [a.paragraphs for a in articles]
    assert len({a.id for a in articles}) == len(articles)


def test_remix_is_made_of_real_sentences_and_shifted_dates(articles):
    source = list(corpora.reuters.iter_articles(REUTERS))
    text = "\n".join(p for a in source for p in a.paragraphs)
    titles = {a.title for a in source}
    assert all(a.title in titles for a in articles)
    # Sentences come from the source; only first names may have been swapped.
    names = set(remix._first_names())
    sample = [p for a in articles[:50] for p in a.paragraphs]
    for paragraph in sample:
        words = [w for w in paragraph.split(" ") if w not in names][:6]
        assert " ".join(words[:2]) in text
    days = {(d.month, d.day) for d in (a.date for a in source) if d}
    assert all((a.date.month, a.date.day) in days or (a.date.month, a.date.day) == (2, 28)
               for a in articles)
    assert len({a.date.year for a in articles}) > 5
    assert any(a.date.year == 1987 for a in articles)
    # Every benchmark query word of the text classes is still found.
    joined = " ".join(p for a in articles for p in a.paragraphs).lower()
    assert all(w in joined for w in ("oil", "bank", "reagan", "taiwan", "opec", "trade"))


def test_remix_corpus_spec():
    spec = corpora.CorpusSpec("remix", REUTERS, 2_000_000)
    assert spec.name == "remix-2000000"
    if REUTERS.exists():
        assert corpora.resolve_corpus("remix:2_000").size == 2000
        with pytest.raises(corpora.CorpusError):
            corpora.resolve_corpus("remix:lots")


def test_scale_points_and_plot(tmp_path):
    result = json.loads((RESULTS / "2026-11-30-reuters.json").read_text(encoding="utf-8"))
    report.summarise(result)
    bigger = copy.deepcopy(result)
    for scale in bigger["scales"]:
        for e in scale["engines"].values():
            e["ingest"]["paragraphs"] *= 10
    points = report.scale_points([bigger, result])
    sizes = [p[0] for p in points["searchlib"]]
    assert sizes == sorted(sizes) and len(sizes) == 2 * len(result["scales"])
    assert all(p50 <= p95 for _n, p50, p95 in points["searchlib"])
    if importlib.util.find_spec("matplotlib") is None:
        assert report.plot_scale([result], tmp_path / "curve.png") is False
    else:
        assert report.plot_scale([result], tmp_path / "curve.png")
        assert (tmp_path / "curve.png").read_bytes()[:4] == b"\x89PNG"
    assert dt.date.fromisoformat(result["date"])
