"""The CLI counterpart of tests/test_api_errors.py: every mistake a user can make is one
line on stderr, exit 1 (an error) or 2 (a usage error), and never a traceback; the library
says what is wrong in its own terms and the CLI adds its flags."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from searchlib.cli import main
from whoosh.util.filelock import FileLock

import searchlib
from tests.shared import EXAMPLES, run


@pytest.fixture(scope="module")
def ix_dir(tmp_path_factory):
    where = tmp_path_factory.mktemp("cli-errors") / "ix"
    run(CliRunner(), "index", str(EXAMPLES), "--index", str(where), "--quiet")
    return where


def one_line(runner: CliRunner, args: list[str], code: int) -> str:
    res = runner.invoke(main, args)
    assert res.exit_code == code, (res.output, res.exception)
    assert isinstance(res.exception, SystemExit), res.exception  # not a crash
    assert "Traceback" not in res.output
    lines = [ln for ln in res.output.splitlines() if ln.strip()]
    if code == 1:
        assert len(lines) == 1 and lines[0].startswith("searchlib: error: "), lines
    else:  # click's usage errors: a usage line, a hint, then "Error: ..."
        assert lines[-1].startswith("Error: "), lines
    return lines[-1]


def test_index_under_a_file_is_one_line(runner, tmp_path):
    (tmp_path / "somefile").write_text("x", encoding="utf-8")
    line = one_line(runner, ["index", str(EXAMPLES), "--index",
                             str(tmp_path / "somefile" / "ix")], 1)
    assert "exists and is not a directory" in line


@pytest.mark.parametrize("args", [["search", "Taiwan"], ["stats"], ["show", "x"],
                                  ["entities"], ["similar", "x#1"], ["export"],
                                  ["delete", "x"]])
def test_a_missing_index_says_how_to_make_one(runner, tmp_path, args):
    line = one_line(runner, [*args, "--index", str(tmp_path / "none")], 1)
    assert "no searchlib index at" in line
    assert "searchlib index PATH... --index DIR" in line


@pytest.mark.parametrize(("args", "code"), [
    (["search", "--limit", "0"], 2),
    (["search", "--page", "-1"], 2),
    (["search", "--context", "x"], 2),
    (["search", "--sort", "sideways"], 2),
    (["search", "--since", "June"], 2),
    (["entities", "--top", "0"], 2),
    (["entities", "--kind", "people"], 2),
    (["similar", "x#1", "--limit", "0"], 2),
    (["index", str(EXAMPLES), "--batch-size", "0"], 2),
    (["index", str(EXAMPLES), "--wait", "-1"], 2),
    (["delete", "x", "--wait", "soon"], 2),
    (["search", "--no-such-option"], 2),
    (["search", "nosuch:field"], 1),
    (["search", "Taiwan", "--since", "2024", "--until", "2023"], 1),
    (["show", "no-such-article"], 1),
    (["similar", "not-a-paragraph-id"], 1),
    (["index", str(EXAMPLES), "--extractor", "nope"], 1),
])
def test_bad_values_are_one_line_with_the_right_code(runner, ix_dir, args, code):
    one_line(runner, [*args, "--index", str(ix_dir)], code)


@pytest.mark.parametrize("command", [["index", str(EXAMPLES)], ["delete", "x"]])
def test_a_locked_index_names_the_wait_flag_of_commands_that_have_one(runner, ix_dir,
                                                                      command):
    lock = FileLock(str(ix_dir / "MAIN_WRITELOCK"))
    assert lock.acquire(blocking=False)
    try:
        line = one_line(runner, [*command, "--index", str(ix_dir), "--wait", "0"], 1)
        assert "another process is writing" in line
        assert line.endswith("use --wait SECONDS to wait longer")
        # The library's own message names its parameter, never a flag.
        with searchlib.Index.open(ix_dir) as ix, pytest.raises(
                searchlib.IndexLockedError) as info:
            ix.delete("x", wait=0)
        assert "--" not in str(info.value)
    finally:
        lock.release()


def test_library_messages_name_no_flags(tmp_path):
    with pytest.raises(searchlib.IndexNotFoundError) as info:
        searchlib.Index.open(tmp_path / "none")
    assert "--" not in str(info.value)
