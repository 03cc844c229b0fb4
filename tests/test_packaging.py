"""The built wheel installs one import root, ``searchlib``, and nothing a user's own files
can shadow.

The wheel is built from a copy of the source (offline, with the build tools of this
environment) and installed into a folder of its own; it is then run with ``python -S`` and
that folder first on the path, so neither the development install's import hook (a
``.pth`` file) nor the repository can stand in for it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

from tests.shared import EXAMPLES, REPO

TIMEOUT = 300
SOURCES = ["searchlib", "index", "cli", "web", "setup.cfg", "pyproject.toml", "README.md"]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    pytest.importorskip("build", reason="the build package is in the test extra")
    src = tmp_path_factory.mktemp("src")
    for name in SOURCES:
        path = REPO / name
        if path.is_dir():
            shutil.copytree(path, src / name,
                            ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        elif path.exists():
            shutil.copy2(path, src / name)
    out = tmp_path_factory.mktemp("dist")
    done = subprocess.run([sys.executable, "-m", "build", "--wheel", "--no-isolation",
                           "--outdir", str(out), str(src)],
                          capture_output=True, text=True, timeout=TIMEOUT)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    [built] = out.glob("searchlib-*.whl")
    return built


@pytest.fixture(scope="module")
def installed(wheel, tmp_path_factory) -> Path:
    target = tmp_path_factory.mktemp("site")
    done = subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps",
                           "--no-index", "--target", str(target), str(wheel)],
                          capture_output=True, text=True, timeout=TIMEOUT)
    assert done.returncode == 0, done.stderr[-3000:]
    return target


def test_the_wheel_has_one_top_level_name(wheel):
    with zipfile.ZipFile(wheel) as zf:
        names = zf.namelist()
        [top_level] = [n for n in names if n.endswith(".dist-info/top_level.txt")]
        assert zf.read(top_level).decode().split() == ["searchlib"]
        entry_points = zf.read(top_level.replace("top_level.txt", "entry_points.txt"))
    roots = {n.split("/")[0] for n in names}
    assert {r for r in roots if not r.endswith(".dist-info")} == {"searchlib"}
    for needed in ("searchlib/py.typed", "searchlib/index/_format.py",
                   "searchlib/index/_engine/codec.py", "searchlib/cli/_app.py",
                   "searchlib/index/entities/data/cities.tsv"):
        assert needed in names
    assert b"searchlib = searchlib.cli:main" in entry_points


def _run(installed: Path, cwd: Path, *args: str) -> subprocess.CompletedProcess:
    # -S: no site module, so no .pth file of the development install runs; the wheel's
    # folder, then the environment's site-packages for the dependencies only.
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(
        [str(installed), sysconfig.get_paths()["purelib"]]))
    env.pop("PYTHONSAFEPATH", None)
    return subprocess.run([sys.executable, "-S", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=TIMEOUT)


@pytest.fixture
def stray_cwd(tmp_path) -> Path:
    """A working directory holding an ``index.py`` and a ``cli/`` of a user's own."""
    cwd = tmp_path / "work"
    (cwd / "cli").mkdir(parents=True)
    (cwd / "index.py").write_text("raise SystemExit('the stray index.py was imported')\n")
    (cwd / "cli" / "__init__.py").write_text("raise SystemExit('the stray cli/ was imported')\n")
    (cwd / "searchlib_check.py").write_text(
        "import sys\n"
        "import searchlib, searchlib.cli, searchlib.index._format\n"
        "assert not any('editable' in repr(f) for f in sys.meta_path), sys.meta_path\n"
        "print(searchlib.__file__)\n"
        "print(searchlib.__version__)\n"
        "print(sorted(m for m in sys.modules if m in ('index', 'cli')))\n")
    return cwd


def test_import_from_the_wheel_ignores_a_stray_index_and_cli(installed, stray_cwd):
    done = _run(installed, stray_cwd, "searchlib_check.py")
    assert done.returncode == 0, done.stderr
    where, version, stray = done.stdout.splitlines()
    assert Path(where).is_relative_to(installed)  # the wheel's copy, not the repository's
    assert version[0].isdigit() and version != "0+unknown"
    assert stray == "[]"


def test_python_m_searchlib_and_the_script_ignore_them_too(installed, stray_cwd):
    # python -m puts the working directory first on the path: the strays are importable.
    done = _run(installed, stray_cwd, "-m", "searchlib", "--help")
    assert done.returncode == 0, done.stderr
    assert "Usage: python -m searchlib" in done.stdout and "search" in done.stdout
    script = installed / "bin" / "searchlib"
    for args in (["--help"], ["index", str(EXAMPLES), "--index", "ix", "--quiet"],
                 ["search", "Taiwan", "--index", "ix", "--limit", "1"]):
        done = _run(installed, stray_cwd, str(script), *args)
        assert done.returncode == 0, (args, done.stderr)
    assert "Taiwan" in done.stdout  # the entity data files came with the wheel too
