"""The trained ``tagger`` extractor: its model file, decoding, re-training (the cached
scoring itself: tests/test_tagmodel.py)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from searchlib.index.entities import DEFAULT_EXTRACTOR, extract_entities, get_extractor
from searchlib.index.entities._features import TAGS, tokenise
from searchlib.index.entities._tagger import MODEL_FILE, load_model, spans_from_tags
from searchlib.index.entities._tagmodel import Model

REPO = Path(__file__).resolve().parents[1]


def test_default_extractor_is_the_tagger() -> None:
    assert DEFAULT_EXTRACTOR == "tagger"
    ext = get_extractor()
    assert ext.name == "tagger" and ext.version
    assert len(ext.fingerprint()) == 16


def test_weights_ship_with_the_package_and_are_small() -> None:
    assert MODEL_FILE.is_file() and MODEL_FILE.stat().st_size < 5_000_000
    model = load_model()
    assert model.weights.shape[1] == len(TAGS)


def test_spans_from_tags_reads_greedily() -> None:
    tokens = tokenise("Ana Ruiz met Bo Li of Lima")
    tags = ["B-PER", "I-PER", "O", "B-PER", "B-PER", "O", "I-LOC"]
    assert spans_from_tags(tokens, tags) == [("PER", 0, 8), ("PER", 13, 15), ("PER", 16, 18),
                                             ("LOC", 22, 26)]


def test_tokeniser_splits_possessives_and_keeps_abbreviations() -> None:
    assert [t for t, _, _ in tokenise("China's U.S. Mr. Smith (Reuters) Sino-US 1.19")] == [
        "China", "'s", "U.S.", "Mr.", "Smith", "(", "Reuters", ")", "Sino-US", "1.19"]


@pytest.mark.parametrize("paragraph, expected", [
    ("Foreign Minister Lin Wei met Antony Blinken in Beijing.",
     {("person", "Lin Wei"), ("person", "Antony Blinken"), ("place", "Beijing")}),
    ("Shares of Zorbex Corp fell in Frankfurt.", {("org", "Zorbex"), ("place", "Frankfurt")}),
    ("Secretary of State Antony Blinken arrived.", {("person", "Antony Blinken")}),
    ("Visits by US officials to Taiwan angered Beijing.",
     {("place", "United States"), ("place", "Taiwan"), ("place", "Beijing")}),
    ("Sino-US relations worsened.", {("place", "United States")}),
])
def test_tagger_examples(paragraph: str, expected: set) -> None:
    found = {(e.kind, e.name) for e in extract_entities([paragraph])[0]}
    assert expected <= found, found


def test_empty_and_blank_paragraphs() -> None:
    assert extract_entities(["", "   ", "nothing here at all."]) == [[], [], []]


SYNTHETIC_CONLL = """-DOCSTART- -X- -X- O

Ana NNP B-NP B-PER
Ruiz NNP I-NP I-PER
visited VBD B-VP O
Lima NNP B-NP B-LOC
for IN B-PP O
Zorbex NNP B-NP B-ORG
. . O O

Ruiz NNP B-NP B-PER
said VBD B-VP O
Lima NNP B-NP B-LOC
was VBD B-VP O
calm JJ B-ADJP O
. . O O
"""


def test_training_script_writes_a_loadable_model(tmp_path) -> None:
    conll = tmp_path / "tiny.txt"
    conll.write_text(SYNTHETIC_CONLL * 3, encoding="utf-8")
    out = tmp_path / "model.npz"
    res = subprocess.run([sys.executable, str(REPO / "scripts" / "train_tagger.py"),
                          "--train", str(conll), "--dev", str(conll), "--epochs", "3",
                          "--min-count", "1", "--prune", "0", "--out", str(out)],
                         capture_output=True, text=True, timeout=300)
    assert res.returncode == 0, res.stderr
    with np.load(out) as data:
        features = str(data["features"]).split("\n")
        model = Model(features, data["weights"])
    spans = model.tag(["Ana Ruiz visited Lima for Zorbex."])[0]
    assert ("PER", 0, 8) in spans and ("LOC", 17, 21) in spans
