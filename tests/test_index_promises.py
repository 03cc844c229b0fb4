"""What the library promises itself, not only through the CLI: a new index whose first
ingest fails (strict input, an extractor that cannot run) is taken away again; an extractor
is built before an index is recorded with it; ``searchlib index`` in-process gives the
caller's SIGTERM handler back."""

from __future__ import annotations

import json
import signal
import sys

import pytest
from searchlib.cli import main
from searchlib.index.entities import register

import searchlib
from searchlib import (
    Article,
    ExtractorError,
    Index,
    IndexNotFoundError,
    InputError,
    SearchlibError,
)
from tests.shared import EXAMPLES, run

GOOD = "Taiwan talks\n\nQin Gang met Antony Blinken in Beijing.\n"


@pytest.fixture
def bad(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("title,text\nA,B\nC\n", encoding="utf-8")
    return path


@pytest.fixture
def good(tmp_path):
    path = tmp_path / "good.txt"
    path.write_text(GOOD, encoding="utf-8")
    return path


@pytest.fixture
def no_spacy(monkeypatch):
    # A None entry in sys.modules makes "import spacy" fail as if it were not installed.
    monkeypatch.setitem(sys.modules, "spacy", None)


def test_strict_failure_leaves_no_new_index(tmp_path, bad):
    where = tmp_path / "ix"
    ix = Index.open_or_create(where)
    with pytest.raises(InputError):
        ix.add_paths([bad], strict=True)
    assert not where.exists()
    with pytest.raises(IndexNotFoundError, match="first ingest failed"):
        ix.search("Taiwan")
    ix.close()


def test_a_removed_new_index_is_made_again_by_the_next_ingest(tmp_path, bad, good):
    with Index.create(tmp_path / "ix") as ix:
        with pytest.raises(InputError):
            ix.add_paths([bad], strict=True)
        report = ix.add_paths([good], strict=True)
        assert report.added == 1
        assert ix.search("Qin").total == 1
    with Index.open(tmp_path / "ix") as ix:
        assert ix.stats().articles == 1


def test_an_existing_folder_of_other_files_is_refused_and_kept(tmp_path, bad):
    # An index is never made among files searchlib did not write (issue 13): the folder
    # stays exactly as it was.
    where = tmp_path / "ix"
    where.mkdir()
    (where / "notes.txt").write_text("mine", encoding="utf-8")
    with pytest.raises(SearchlibError, match="did not write"):
        Index.open_or_create(where)
    assert sorted(p.name for p in where.iterdir()) == ["notes.txt"]


def test_strict_failure_leaves_an_existing_index_as_it_was(tmp_path, bad, good):
    with Index.create(tmp_path / "ix") as ix:
        ix.add_paths([good])
    with Index.open_or_create(tmp_path / "ix") as ix:
        with pytest.raises(InputError):
            ix.add_paths([bad], strict=True)
        assert ix.stats().articles == 1
    # An index that held articles once is never taken away, even when emptied.
    with Index.open(tmp_path / "ix") as ix:
        ix.delete(ix.search("Taiwan").hits[0].article_id)
        with pytest.raises(InputError):
            ix.add_paths([bad], strict=True)
    assert (tmp_path / "ix" / "searchlib.json").exists()


def test_spacy_not_installed_records_no_index(tmp_path, no_spacy):
    for make in (lambda p: Index.create(p, extractor="spacy"),
                 lambda p: Index.open_or_create(p, extractor="spacy")):
        with pytest.raises(ExtractorError, match="needs spaCy"):
            make(tmp_path / "ix")
        assert not (tmp_path / "ix").exists()


def test_switching_an_empty_index_to_spacy_without_spacy_keeps_its_extractor(tmp_path,
                                                                               no_spacy):
    Index.create(tmp_path / "ix", extractor="rules").close()
    with pytest.raises(ExtractorError):
        Index.open_or_create(tmp_path / "ix", extractor="spacy")
    meta = json.loads((tmp_path / "ix" / "searchlib.json").read_text(encoding="utf-8"))
    assert meta["extractor"] == "rules"


def test_cli_extractor_spacy_without_spacy_leaves_nothing_that_blocks_later_runs(
        runner, tmp_path, no_spacy):
    where = str(tmp_path / "ix")
    res = runner.invoke(main, ["index", str(EXAMPLES), "--index", where, "--extractor",
                               "spacy"])
    assert res.exit_code == 1
    assert res.output.count("\n") == 1 and "needs spaCy" in res.output
    assert not (tmp_path / "ix").exists()
    out = run(runner, "index", str(EXAMPLES), "--index", where).output
    assert "articles added" in out


def test_a_model_that_cannot_load_takes_the_new_index_away(tmp_path, good):
    pytest.importorskip("spacy", reason="spaCy is not installed (pip install 'searchlib[spacy]')")
    from searchlib.index.entities._spacyner import SpacyExtractor

    bogus = tmp_path / "not-a-model"
    bogus.mkdir()

    @register
    class _BrokenModel(SpacyExtractor):
        # A model directory that spaCy cannot load: found at set-up, failing at first use.
        name = "test-broken-model"

        def __init__(self) -> None:
            super().__init__(model=str(bogus), workers=1)

    with Index.open_or_create(tmp_path / "ix", extractor="test-broken-model") as ix:
        with pytest.raises(ExtractorError, match="cannot load spaCy model"):
            ix.add_paths([good])
    assert not (tmp_path / "ix").exists()


@pytest.mark.parametrize("outcome", ["ok", "bad input", "no such extractor"])
def test_cli_index_in_process_restores_the_callers_sigterm_handler(runner, tmp_path, good,
                                                                    outcome):
    def mine(signum, frame):  # pragma: no cover - never delivered
        pass

    before = signal.signal(signal.SIGTERM, mine)
    try:
        args = {"ok": [str(good)], "bad input": [str(tmp_path / "missing.txt")],
                "no such extractor": [str(good), "--extractor", "nope"]}[outcome]
        res = runner.invoke(main, ["index", *args, "--index", str(tmp_path / "ix")])
        assert res.exit_code == (0 if outcome == "ok" else 1), res.output
        assert signal.getsignal(signal.SIGTERM) is mine
    finally:
        signal.signal(signal.SIGTERM, before)


def test_add_articles_on_a_new_index_keeps_it(tmp_path):
    # Not strict: an article over the limits is reported, and the new index stays.
    with Index.create(tmp_path / "ix") as ix:
        report = ix.add_articles([Article("x" * 200_000, ["body"], id="big")])
        assert len(report.errors) == 1
        assert isinstance(report.errors[0], searchlib.InputError)
    assert (tmp_path / "ix" / "searchlib.json").exists()


def test_an_interrupt_dropped_in_a_finalizer_is_raised_again():
    from searchlib.cli._writing import _Interrupts

    before = signal.getsignal(signal.SIGINT)
    with _Interrupts() as interrupts:
        handler = signal.getsignal(signal.SIGINT)
        assert handler is interrupts and signal.getsignal(signal.SIGTERM) is interrupts
        interrupts.check()  # nothing caught yet
        try:  # what Python does with an exception raised inside __del__: print, drop
            handler(signal.SIGTERM, None)
        except KeyboardInterrupt:
            pass
        with pytest.raises(KeyboardInterrupt):
            interrupts.check()
    assert signal.getsignal(signal.SIGINT) is before
