"""The classes Whoosh pickles into an index's table of contents are part of the file format.

Whoosh stores the schema (fields, formats, analyzers, columns) and the segment list as
pickles in ``_MAIN_<generation>.toc``; unpickling imports each class by its module path.
These tests read those pickles opcode by opcode (never unpickling them) and pin the paths:
moving or renaming one of the classes is a format change that must bump
:data:`searchlib.index._format.SCHEMA_VERSION`, and a test failing here says so.
"""

from __future__ import annotations

import io
import json
import pickletools
import sys
from pathlib import Path

from searchlib.cli import main
from searchlib.index._format import SCHEMA_VERSION
from whoosh.filedb.structfile import StructFile

from searchlib import Article, Index
from tests.shared import EXAMPLES, run

#: The searchlib classes in the TOC of an index written by this release. Changing this set
#: means changing what every index on disk refers to: bump SCHEMA_VERSION with it.
PINNED = {
    "searchlib.index._engine.analysis.NameGapFilter",
    "searchlib.index._engine.codec.CompactCodec",
    "searchlib.index._engine.codec.CompactPositions",
    "searchlib.index._engine.columns.BlockColumn",
    "searchlib.index._engine.columns.RefColumn",
}
PINNED_FOR_VERSION = 3


def _pushed_strings(ops):
    """Yield each opcode with the value it pushed when that is a string (else None)."""
    memo: dict[int, object] = {}
    last: object = None
    for op, arg, _ in ops:
        if op.name in ("PUT", "BINPUT", "LONG_BINPUT"):
            memo[arg] = last
            continue
        if op.name == "MEMOIZE":
            memo[len(memo)] = last
            continue
        if op.name in ("GET", "BINGET", "LONG_BINGET"):
            last = memo.get(arg)
        elif op.stack_after:
            last = arg if isinstance(arg, str) and "unicode" in op.name.lower() else None
        yield op, arg, last


def pickled_classes(blob: bytes) -> set[str]:
    """The ``module.name`` of every global a pickle refers to, read without unpickling."""
    found = set()
    recent: list[object] = []
    for op, arg, pushed in _pushed_strings(pickletools.genops(blob)):
        if op.name == "GLOBAL":  # protocols 0-2: "module name"
            module, name = arg.split(" ", 1)
            found.add(f"{module}.{name}")
        elif op.name == "STACK_GLOBAL":  # protocol 4+: the two strings pushed just before
            module, name = recent[-2], recent[-1]
            assert isinstance(module, str) and isinstance(name, str)
            found.add(f"{module}.{name}")
        if op.stack_after or op.name in ("GET", "BINGET", "LONG_BINGET"):
            recent = (recent + [pushed])[-2:]
    return found


def toc_pickles(index_dir: Path) -> list[bytes]:
    """The schema pickle and the segments pickle of the newest TOC in *index_dir*."""
    tocs = sorted(index_dir.glob("_MAIN_*.toc"), key=lambda p: int(p.stem.split("_")[-1]))
    assert tocs, f"no TOC in {index_dir}"
    data = tocs[-1].read_bytes()
    # Whoosh's TOC layout (whoosh.index.TOC.write): sizes, a check int, the TOC version,
    # the Whoosh release, the schema as a string, generation, an unused int, the segments.
    f = StructFile(io.BytesIO(data))
    for _ in range(3):
        f.read_varint()
    assert f.read_int() == -12345
    f.read_int()
    for _ in range(3):
        f.read_varint()
    schema = f.read_string()
    f.read_int()
    f.read_int()
    segments = data[f.tell():]
    return [schema, segments]


def _classes_of(index_dir: Path) -> set[str]:
    return set().union(*(pickled_classes(blob) for blob in toc_pickles(index_dir)))


def test_the_toc_refers_only_to_whoosh_and_the_engine_fence(tmp_path):
    with Index.create(tmp_path / "ix") as ix:
        ix.add_articles([Article("Taiwan talks", ["Qin Gang met Blinken in Beijing."],
                                 id="a1")])
    classes = _classes_of(tmp_path / "ix")
    ours = {c for c in classes if c.startswith("searchlib")}
    others = classes - ours
    assert ours == PINNED, ("the pickled searchlib classes changed: bump SCHEMA_VERSION",
                            ours ^ PINNED)
    # Python's own (protocol 2 names builtins "__builtin__"), else Whoosh's: nothing else.
    stdlib = set(sys.stdlib_module_names) | {"__builtin__"}
    foreign = {c for c in others if c.split(".")[0] not in stdlib}
    assert foreign and all(c.startswith("whoosh.") for c in foreign), foreign
    assert SCHEMA_VERSION == PINNED_FOR_VERSION, "update PINNED_FOR_VERSION with PINNED"


def test_the_reader_finds_a_moved_class(tmp_path):
    # The test above can fail: a pickle naming a class elsewhere shows up by its path.
    import pickle

    from searchlib.index._engine.columns import RefColumn

    blob = pickle.dumps([RefColumn(), RefColumn()], 2)
    assert pickled_classes(blob) == {"searchlib.index._engine.columns.RefColumn"}
    blob = pickle.dumps([RefColumn(), RefColumn()], 5)
    assert pickled_classes(blob) == {"searchlib.index._engine.columns.RefColumn"}


def test_an_older_index_is_one_line_telling_how_to_rebuild(tmp_path, runner):
    ix_dir = tmp_path / "old"
    run(runner, "index", str(EXAMPLES), "--index", str(ix_dir), "--quiet")
    meta = json.loads((ix_dir / "searchlib.json").read_text(encoding="utf-8"))
    meta["schema_version"] = SCHEMA_VERSION - 1
    (ix_dir / "searchlib.json").write_text(json.dumps(meta), encoding="utf-8")
    for args in (["search", "Taiwan"], ["stats"], ["index", str(EXAMPLES)]):
        res = runner.invoke(main, [*args, "--index", str(ix_dir)])
        assert res.exit_code == 1, res.output
        assert isinstance(res.exception, SystemExit)  # no traceback
        lines = res.output.strip().splitlines()
        assert len(lines) == 1, lines
        line = lines[0]
        assert line.startswith("searchlib: error: ")
        assert f"schema version {SCHEMA_VERSION - 1}" in line
        assert (f"searchlib export --index {ix_dir} | searchlib index - --format jsonl "
                "--index NEW") in line
