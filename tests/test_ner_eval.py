"""Tests of the CoNLL reader and the NER scoring in benchmarks/ner_eval.py."""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from searchlib.index.entities import Entity, Extractor  # noqa: E402

from benchmarks import ner_eval  # noqa: E402
from benchmarks.conll import detokenise, parse_conll  # noqa: E402

# Written for this test: two articles, IOB2 tags, a MISC entity and a possessive.
CONLL = """-DOCSTART- -X- -X- O

Anna NNP B-NP B-PER
Marek NNP I-NP I-PER
visited VBD B-VP O
Oslo NNP B-NP B-LOC
'S POS O O
port NN B-NP O
. . O O

-DOCSTART- -X- -X- O

Zorbex NNP B-NP B-ORG
Corp NNP I-NP I-ORG
beat VBD B-VP O
French JJ B-NP B-MISC
rivals NNS I-NP O
, , O O
" " O O
Bo NNP B-NP B-PER
" " O O
said VBD B-VP O
. . O O
"""


def test_detokenise_offsets() -> None:
    text, offsets = detokenise(["China", "'s", "view", ",", "(", "he", ")", "said", "."])
    assert text == "China's view, (he) said."
    assert [text[s:e] for s, e in offsets] == ["China", "'s", "view", ",", "(", "he", ")",
                                                "said", "."]


def test_parse_conll_articles_and_spans() -> None:
    articles = list(parse_conll(io.StringIO(CONLL)))
    assert len(articles) == 2
    first, second = articles
    assert first.paragraphs == ["Anna Marek visited Oslo'S port."]
    assert [(k, first.paragraphs[0][s:e]) for k, s, e in first.spans[0]] == [
        ("person", "Anna Marek"), ("place", "Oslo")]
    assert second.paragraphs == ['Zorbex Corp beat French rivals, "Bo" said.']
    assert [(k, second.paragraphs[0][s:e]) for k, s, e in second.spans[0]] == [
        ("org", "Zorbex Corp"), ("person", "Bo")]  # MISC is not scored


class _Fixed(Extractor):
    """Returns fixed spans: one right, one wrong kind, one wrong span."""

    name = "fixed-test"

    def extract(self, paragraphs):  # noqa: ANN001, ANN201
        if paragraphs[0].startswith("Anna"):
            return [[Entity("person", "Anna Marek", 0, 10, "Anna Marek"),
                     Entity("org", "Oslo", 19, 23, "Oslo")]]
        return [[Entity("org", "Zorbex", 0, 6, "Zorbex")]]


def test_score_micro_precision_recall_f1() -> None:
    articles = list(parse_conll(io.StringIO(CONLL)))
    scores, paragraphs, _ = ner_eval.score(articles, _Fixed())
    assert paragraphs == 2
    p, r, f, n = scores.prf()
    assert n == 4 and p == pytest.approx(1 / 3) and r == pytest.approx(1 / 4)
    assert f == pytest.approx(2 * (1 / 3) * (1 / 4) / (1 / 3 + 1 / 4))
    assert scores.prf("person")[:2] == (1.0, 0.5)
    assert scores.prf("org")[0] == 0.0
    assert scores.as_dict()["place"]["recall"] == 0.0


def test_main_scores_a_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    gold = tmp_path / "gold.txt"
    gold.write_text(CONLL, encoding="utf-8")
    assert ner_eval.main(["--gold", str(gold), "--extractor", "rules", "--passes", "3"]) == 0
    out = capsys.readouterr().out.strip().splitlines()
    assert out[0].split()[:4] == ["kind", "P", "R", "F1"]
    assert out[-1].startswith("{") and '"paragraphs_per_second"' in out[-1]
    result = json.loads(out[-1])
    rates = result["news_passes_per_second"]
    assert len(rates) == 3 and result["news_paragraphs_per_second"] == sorted(rates)[1]
    assert len(result["load_average"]) == 2


def test_main_missing_gold_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert ner_eval.main(["--gold", str(tmp_path / "absent.txt")]) == 2
    assert "gold file not found" in capsys.readouterr().err


def test_main_unknown_extractor_exits_1(tmp_path: Path) -> None:
    gold = tmp_path / "gold.txt"
    gold.write_text(CONLL, encoding="utf-8")
    assert ner_eval.main(["--gold", str(gold), "--extractor", "no-such"]) == 1
