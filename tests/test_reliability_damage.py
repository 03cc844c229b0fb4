"""Damage on disk (issue 13, item 8): every kind of index file damaged in several ways, and
every command run on it: a clear one-line error naming a file, or the right answer; never a
traceback, never a silently wrong answer. Also ``searchlib check`` and item 1 (a missing
``searchlib.json`` must not lead to the data being overwritten).
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from searchlib.cli import main
from searchlib.index._integrity import SUMS_FILE

import searchlib
from searchlib import Index, IndexCorruptError
from tests.reliability_helpers import make_corpus

COMMANDS = [
    ["search", "Taiwan", "--format", "json", "--limit", "30"],
    ["search", "trade", "--by-article", "--format", "json"],
    ["search", "--format", "json", "--limit", "50"],
    ["search", "Berlin", "--since", "2023-06-01", "--format", "json"],
    ["search", "Taiwan", "--all", "--format", "jsonl"],
    ["export"],
    ["entities", "--format", "json"],
    ["stats", "--format", "json"],
    ["show", "a3", "--format", "json"],
    ["similar", "a3#1", "--format", "json"],
]


def invoke(args: list[str], ix: Path):
    return CliRunner().invoke(main, [*args, "--index", str(ix)])


def stable(args: list[str], stdout: str) -> str:
    """Output to compare: the size on disk of ``stats`` changes with any damage."""
    if args[0] == "stats":
        d = json.loads(stdout)
        d.pop("size_bytes")
        d.pop("index")
        return json.dumps(d)
    return stdout


@pytest.fixture(scope="module")
def pristine(tmp_path_factory) -> tuple[Path, dict[str, str]]:
    """An index of two segments (two runs), with the answers of every command."""
    base = tmp_path_factory.mktemp("damage")
    ix = base / "ix"
    corpus = make_corpus(base / "a.jsonl", 60)
    runner = CliRunner()
    assert runner.invoke(main, ["index", str(corpus), "--index", str(ix), "--batch-size", "20"]
                         ).exit_code == 0
    more = base / "more.jsonl"
    more.write_text("".join(json.dumps({"id": f"m{i}", "title": f"More Taiwan {i}",
                                        "date": f"2023-07-{i + 1:02d}",
                                        "text": "Taiwan trade in Berlin."}) + "\n"
                            for i in range(20)), encoding="utf-8")
    assert runner.invoke(main, ["index", str(more), "--index", str(ix)]).exit_code == 0
    assert len(list(ix.glob("*.seg"))) == 2
    answers = {}
    for args in COMMANDS:
        res = invoke(args, ix)
        assert res.exit_code == 0, (args, res.output)
        answers[" ".join(args)] = stable(args, res.stdout)
    res = invoke(["check"], ix)
    assert res.exit_code == 0 and res.stdout.startswith("ok: "), res.output
    return ix, answers


def _flip(p: Path) -> None:
    data = bytearray(p.read_bytes())
    for k in range(1, 11):  # ten bytes spread over the file
        i = len(data) * k // 11
        data[i] ^= 0x5A
    p.write_bytes(bytes(data))


def _truncate(p: Path) -> None:
    with open(p, "r+b") as f:
        f.truncate(p.stat().st_size // 2)


def _zero(p: Path) -> None:
    size = p.stat().st_size
    start = max(0, size // 2 - 32 * 1024)
    with open(p, "r+b") as f:
        f.seek(start)
        f.write(b"\0" * min(64 * 1024, size - start))


DAMAGES = {"flip": _flip, "truncate": _truncate, "zero64k": _zero, "delete": os.unlink}
KINDS = {
    "segment-old": lambda ix: sorted(ix.glob("*.seg"), key=os.path.getmtime)[0],
    "segment-new": lambda ix: sorted(ix.glob("*.seg"), key=os.path.getmtime)[-1],
    "toc": lambda ix: next(ix.glob("_MAIN_*.toc")),
    "meta": lambda ix: ix / "searchlib.json",
    "sums": lambda ix: ix / SUMS_FILE,
}


def _clear_error(res, args, target: Path) -> None:
    assert res.exit_code == 1, (args, res.output)
    assert res.exception is None or isinstance(res.exception, SystemExit), res.exception
    lines = res.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("searchlib: error: "), (args, res.stderr)
    assert "Traceback" not in res.output and "Aborted" not in res.output
    # names the damaged file, or the folder when no file is to blame alone
    assert target.name in lines[0] or str(target.parent) in lines[0], (args, lines[0])


@pytest.mark.parametrize("damage", sorted(DAMAGES))
@pytest.mark.parametrize("kind", sorted(KINDS))
def test_damaged_file_gives_a_clear_error_or_the_right_answer(pristine, tmp_path, kind,
                                                              damage):
    source, answers = pristine
    ix = tmp_path / "ix"
    shutil.copytree(source, ix)
    target = KINDS[kind](ix)
    DAMAGES[damage](target)
    right = 0
    for args in COMMANDS:
        res = invoke(args, ix)
        if res.exit_code == 0:
            assert stable(args, res.stdout) == answers[" ".join(args)], \
                f"{kind}/{damage}: {' '.join(args)} gave a wrong answer"
            right += 1
        else:
            _clear_error(res, args, target)
    check = invoke(["check"], ix)
    assert check.exit_code == 1, f"check missed {kind}/{damage}: {check.output}"
    assert target.name in check.stderr or str(ix) in check.stderr, check.stderr
    assert all(ln.startswith("searchlib: error: ") for ln in check.stderr.splitlines())
    quick = invoke(["check", "--quick"], ix)
    if damage in ("truncate", "delete"):  # other damage keeps the size: a full check sees it
        assert quick.exit_code == 1, quick.output
    # the writing commands: a clear error, or they work
    for args in (["delete", "a5"], ["index", str(source.parent / "more.jsonl")]):
        res = invoke(args, ix)
        assert res.exception is None or isinstance(res.exception, SystemExit), \
            (args, res.exception)
        assert "Traceback" not in res.output
        if res.exit_code:
            _clear_error(res, args, target)
    if kind in ("segment-old", "segment-new", "toc") and damage != "delete":
        assert right == 0, f"{kind}/{damage}: damaged index data was read"


def test_library_open_of_a_damaged_column_raises_index_corrupt(pristine, tmp_path):
    source, _ = pristine
    ix = tmp_path / "ix"
    shutil.copytree(source, ix)
    seg = KINDS["segment-new"](ix)
    data = bytearray(seg.read_bytes())
    data[len(data) // 3: len(data) // 3 + 10] = b"\x01" * 10  # as in the issue: 10 bytes
    seg.write_bytes(bytes(data))
    with pytest.raises(IndexCorruptError) as info:
        Index.open(ix).search("Taiwan")
    assert seg.name in str(info.value) and "\n" not in str(info.value)
    report = Index.check(ix)
    assert [p for p in report.problems if seg.name in p and "damaged" in p]


def test_missing_metadata_is_not_overwritten_and_repair_rebuilds_it(pristine, tmp_path):
    """Item 1: following the advice of ``stats`` must not delete the existing articles."""
    source, answers = pristine
    ix = tmp_path / "ix"
    shutil.copytree(source, ix)
    (ix / "searchlib.json").unlink()
    before = {p.name: p.read_bytes() for p in ix.glob("*.seg")}
    res = invoke(["stats"], ix)
    assert res.exit_code == 1 and "check --repair" in res.stderr, res.output
    new = tmp_path / "new.jsonl"
    new.write_text(json.dumps({"id": "n", "title": "New", "text": "x"}) + "\n",
                   encoding="utf-8")
    res = invoke(["index", str(new)], ix)
    assert res.exit_code == 1 and "check --repair" in res.stderr, res.output
    with pytest.raises(searchlib.SearchlibError):
        Index.create(ix, overwrite=True)
    assert {p.name: p.read_bytes() for p in ix.glob("*.seg")} == before
    res = invoke(["check", "--repair"], ix)
    assert res.exit_code == 0 and "repaired: " in res.stdout and "searchlib.json" in res.stdout
    for args in COMMANDS:
        res = invoke(args, ix)
        assert stable(args, res.stdout) == answers[" ".join(args)], args


def test_a_folder_of_other_files_is_refused(tmp_path):
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "thesis.tex").write_text("precious", encoding="utf-8")
    corpus = make_corpus(tmp_path / "a.jsonl", 3)
    res = invoke(["index", str(corpus)], folder)
    assert res.exit_code == 1 and "thesis.tex" in res.stderr and "nothing was changed" \
        in res.stderr
    assert sorted(p.name for p in folder.iterdir()) == ["thesis.tex"]
    with pytest.raises(searchlib.SearchlibError):
        Index.create(folder, overwrite=True)
    assert (folder / "thesis.tex").read_text(encoding="utf-8") == "precious"


def test_check_repair_records_missing_checksums(pristine, tmp_path):
    source, answers = pristine
    ix = tmp_path / "ix"
    shutil.copytree(source, ix)
    (ix / SUMS_FILE).unlink()
    assert invoke(["check"], ix).exit_code == 1
    res = invoke(["check", "--repair"], ix)
    assert res.exit_code == 0, res.output
    assert invoke(["check"], ix).exit_code == 0


@pytest.mark.parametrize("create", ["library", "killed"])
def test_an_index_without_a_commit_answers_every_command(tmp_path, create):
    """Item 6: ``Index.create`` then close (or a writer killed before its first batch)."""
    ix = tmp_path / "ix"
    Index.create(ix).close()
    if create == "killed":  # what a first run killed before its first commit leaves
        assert [p.name for p in ix.glob("*.seg")] == []
    for args, says in [(["search", "taiwan"], "0 paragraphs"), (["search"], "0 paragraphs"),
                       (["search", "taiwan", "--by-article"], "0 articles"),
                       (["search", "taiwan", "--by-article", "--format", "json"], '"total": 0'),
                       (["search", "--all", "--format", "jsonl"], ""),
                       (["export"], ""), (["entities"], "no entities"),
                       (["stats"], "articles:"), (["check"], "ok: ")]:
        res = invoke(args, ix)
        assert res.exit_code == 0, (args, res.output)
        assert says in res.stdout, (args, res.stdout)
        if not says:
            assert res.stdout == ""
    with Index.open(ix) as index:
        assert index.search("taiwan", by_article=True).total == 0
        assert list(index.export_articles()) == [] and index.entities() == []
        assert index.stats().articles == 0
