"""The house rules of the code base, read from the source with ``ast``.

Layers point one way: a module imports only from its own layer or lower ones. Which layer
a module is in follows from its package (the table :data:`LAYERS`), so a new module in a
known package gets its layer without a change here; a module no entry covers fails the
test until it is given one. The folders and the import names they install as are read
from ``setup.cfg`` (``package_dir``), the one place that says so.
"""

from __future__ import annotations

import ast
import configparser
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.shared import REPO

#: ``(module or package prefix, layer)``; the longest matching prefix decides.
LAYERS: list[tuple[str, str]] = [
    ("searchlib._errors", "base"),
    ("searchlib.index._format", "base"),
    ("searchlib.index._records", "base"),
    ("searchlib.index._engine", "engine"),
    ("searchlib.index._schema", "storage"),
    ("searchlib.index._meta", "storage"),
    ("searchlib.index._storage", "storage"),
    ("searchlib.index._documents", "storage"),
    ("searchlib.index._writer", "storage"),
    ("searchlib.index._extraction", "storage"),
    ("searchlib.index._integrity", "storage"),
    ("searchlib.index._runs", "storage"),
    ("searchlib.index._readers", "ingest"),
    ("searchlib.index._ingest", "ingest"),
    ("searchlib.index.entities", "ingest"),
    ("searchlib._", "search"),  # every searchlib._* module but those listed apart
    ("searchlib._api", "api"),
    ("searchlib.cli", "cli"),
    ("searchlib.__main__", "cli"),
    ("searchlib.web", "web"),
]

#: Package ``__init__``s whose layer is not their subpackages' (matched exactly).
PACKAGES = {
    "searchlib": "api",  # the public API
    "searchlib.index": "base",  # a docstring only: it imports nothing
}

#: Each layer's rank: a module may import a module of lower rank, or of its own layer.
#: Layers of one rank (ingest and search) do not import each other. The web app is below
#: the command line only because ``searchlib serve`` starts it; the web app never imports
#: the CLI (both render the public API's results).
RANK = {"base": 0, "engine": 1, "storage": 2, "ingest": 3, "search": 3, "api": 4,
        "web": 5, "cli": 6}

#: Imports across layers of one rank, each with the reason.
SIDEWAYS_JUSTIFIED = {
    ("searchlib._aliases", "searchlib.index.entities"):
        "the query side resolves aliases and demonyms from the extractor's own data, so "
        "that a query and the index never disagree on a name",
}

#: The layers that may import the engine fence (besides the engine itself).
ENGINE_USERS = {"storage", "search"}

#: The layers that may import Whoosh, and the modules elsewhere that may, with the reason.
WHOOSH_LAYERS = {"engine", "storage", "search"}
WHOOSH_JUSTIFIED = {
    "searchlib._api": "Index holds the Whoosh FileIndex and builds the Term queries of "
                      "article lookups and counts",
}

#: Module names that say nothing about what they hold.
VAGUE_NAMES = {"utils", "util", "helpers", "misc"}


def package_dirs() -> dict[str, Path]:
    """Import name -> repository folder, from setup.cfg's ``package_dir``."""
    cfg = configparser.ConfigParser()
    cfg.read(REPO / "setup.cfg", encoding="utf-8")
    out = {}
    for line in cfg["options"]["package_dir"].strip().splitlines():
        name, _, folder = (part.strip() for part in line.partition("="))
        out[name] = REPO / folder
    return out


@dataclass(frozen=True)
class Module:
    name: str
    path: Path

    @property
    def is_package(self) -> bool:
        return self.path.name == "__init__.py"


def source_modules() -> list[Module]:
    """Every module the wheel installs, by its import name (``web/`` too, once it exists)."""
    dirs = package_dirs()
    web = REPO / "web"
    if web.is_dir() and "searchlib.web" not in dirs:
        dirs["searchlib.web"] = web
    found: dict[str, Module] = {}
    # A mapped folder nested in another's (none today) is listed under its own name.
    for root_name, folder in sorted(dirs.items(), key=lambda kv: len(kv[0])):
        for path in sorted(folder.rglob("*.py")):
            rel = path.relative_to(folder).with_suffix("")
            parts = [p for p in rel.parts if p != "__init__"]
            name = ".".join([root_name, *parts])
            found[name] = Module(name, path)
    return sorted(found.values(), key=lambda m: m.name)


MODULES = source_modules()
NAMES = {m.name for m in MODULES}


def layer_of(module: str) -> str | None:
    """The layer of *module*: :data:`PACKAGES`, else the longest prefix in :data:`LAYERS`
    that covers it."""
    if module in PACKAGES:
        return PACKAGES[module]
    best = None
    for prefix, layer in LAYERS:
        covers = (module == prefix or module.startswith(prefix + ".")
                  or (prefix.endswith("._") and module.startswith(prefix)))
        if covers and (best is None or len(prefix) > len(best[0])):
            best = (prefix, layer)
    return best[1] if best else None


def imports_of(module: Module, tree: ast.Module | None = None) -> list[tuple[int, str]]:
    """``(line, module)`` for every import in *module*, in functions too, resolved to the
    deepest module named (``from searchlib.index import _format`` is ``…index._format``)."""
    tree = tree or ast.parse(module.path.read_text(encoding="utf-8"))
    package = module.name if module.is_package else module.name.rpartition(".")[0]
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                up = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                base = ".".join([*up, base] if base else up)
            for alias in node.names:
                sub = f"{base}.{alias.name}"
                out.append((node.lineno, sub if sub in NAMES else base))
    return out


def violations(module: Module, tree: ast.Module | None = None) -> list[str]:
    """Every house rule *module* breaks, one line each."""
    own = layer_of(module.name)
    if own is None:
        return [f"{module.name}: in no layer; give its package a line in LAYERS"]
    problems = []
    for line, target in imports_of(module, tree):
        where = f"{module.path.relative_to(REPO)}:{line}"
        top = target.split(".")[0]
        if top == "whoosh":
            if own not in WHOOSH_LAYERS and module.name not in WHOOSH_JUSTIFIED:
                problems.append(f"{where}: {own} module imports {target}; only the engine, "
                                "storage and search layers import Whoosh")
            continue
        if top != "searchlib":
            continue
        theirs = layer_of(target)
        if theirs is None or theirs == own:
            continue
        sideways = any(module.name == mine and target.startswith(other)
                       for mine, other in SIDEWAYS_JUSTIFIED)
        if RANK[theirs] > RANK[own] or (RANK[theirs] == RANK[own] and not sideways):
            problems.append(f"{where}: {own} module imports {target} ({theirs} layer)")
        elif theirs == "engine" and own not in ENGINE_USERS:
            problems.append(f"{where}: {own} module imports the engine fence {target}; "
                            "only storage and search may")
    return problems


@pytest.mark.parametrize("module", MODULES, ids=lambda m: m.name)
def test_imports_point_down_the_layers(module):
    assert violations(module) == []


def test_every_layer_and_package_dir_is_known():
    assert {layer for _, layer in LAYERS} | set(PACKAGES.values()) == set(RANK)
    assert {"searchlib", "searchlib.index", "searchlib.cli"} <= set(package_dirs())
    # The walk found the modules that the layers name (not an empty list that passes).
    for name in ("searchlib._api", "searchlib.index._engine.codec", "searchlib.cli._app",
                 "searchlib.index._writer", "searchlib.index.entities._rules"):
        assert name in NAMES


@pytest.mark.parametrize(("name", "source", "expected"), [
    ("searchlib.index._format", "from searchlib._api import Index", "base module imports"),
    ("searchlib.index._writer", "from searchlib.index._ingest import ingest_paths",
     "storage module imports searchlib.index._ingest (ingest layer)"),
    ("searchlib.index._readers", "from searchlib.index._engine.codec import CompactCodec",
     "only storage and search may"),
    ("searchlib.index._ingest", "from ._engine import codec", "only storage and search may"),
    ("searchlib.cli._app", "import whoosh.query", "only the engine, storage and search"),
    ("searchlib._hits", "from searchlib.index.entities import get_extractor",
     "search module imports searchlib.index.entities (ingest layer)"),
    ("searchlib.index._newthing", "import json", "in no layer"),
])
def test_the_check_catches_a_violation(name, source, expected):
    fake = Module(name, REPO / "index" / "_format.py")
    found = violations(fake, ast.parse(source))
    assert len(found) == 1 and expected in found[0], found


def test_the_check_allows_what_the_layers_allow():
    for name, source in [
        ("searchlib._api", "from searchlib.index._storage import open_files"),
        ("searchlib._grouping", "from searchlib.index._engine.daterange import DayRange"),
        ("searchlib.index._ingest", "from searchlib.index._writer import ArticleWriter"),
        ("searchlib.cli._app", "from searchlib import Index"),
        ("searchlib.index._engine.parallel", "from searchlib._errors import SearchlibError"),
    ]:
        assert violations(Module(name, REPO / "index" / "_format.py"), ast.parse(source)) == []


@pytest.mark.parametrize("module", MODULES, ids=lambda m: m.name)
def test_module_naming_star_imports_and_all(module):
    tree = ast.parse(module.path.read_text(encoding="utf-8"))
    stem = module.name.rpartition(".")[2]
    assert stem not in VAGUE_NAMES, f"{module.name}: name a module for what it holds"
    private_package = any(part.startswith("_") for part in module.name.split(".")[:-1])
    if not module.is_package and stem != "__main__" and not private_package:
        assert stem.startswith("_"), f"{module.name}: internal modules start with '_'"
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            assert all(a.name != "*" for a in node.names), f"{module.name}: star import"
    defines_all = any(isinstance(node, (ast.Assign, ast.AnnAssign)) and any(
        isinstance(t, ast.Name) and t.id == "__all__"
        for t in (node.targets if isinstance(node, ast.Assign) else [node.target]))
        for node in tree.body)
    if defines_all:
        assert module.is_package, f"{module.name}: __all__ belongs in package __init__s"


def test_tests_use_no_star_imports_or_vague_module_names():
    for path in sorted((REPO / "tests").rglob("*.py")):
        assert path.stem not in VAGUE_NAMES, path
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom):
                assert all(a.name != "*" for a in node.names), f"{path}: star import"
