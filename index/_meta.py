"""The metadata file kept beside the Whoosh files of an index."""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path

from searchlib.index._format import META_FILE, SCHEMA_VERSION

from searchlib._errors import IndexCorruptError, IndexNotFoundError, IndexVersionError


@dataclass
class IndexMeta:
    """What an index records about itself.

    :param schema_version: the :data:`~searchlib.index._format.SCHEMA_VERSION` it was written with
    :param extractor: the entity extractor that filled its entity fields
    """

    schema_version: int = SCHEMA_VERSION
    extractor: str = "rules"


def read_meta(directory: str | os.PathLike) -> IndexMeta:
    """Read and check the metadata of the index in *directory*.

    :raises IndexNotFoundError: when there is no searchlib index there
    :raises IndexVersionError: when its schema version is not this release's
    """
    path = Path(directory) / META_FILE
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        if any(p.suffix in (".toc", ".seg") for p in Path(directory).glob("*MAIN_*")):
            raise IndexCorruptError(
                f"{directory}: holds Whoosh index files but no {META_FILE}; rebuild it with: "
                f"searchlib check --repair --index {directory}", str(path)) from None
        raise IndexNotFoundError(
            f"no searchlib index at {directory} (create one with: searchlib index PATH... "
            f"--index {directory})") from None
    except (OSError, ValueError) as e:
        raise IndexVersionError(f"{path}: unreadable index metadata ({e})") from None
    version = raw.get("schema_version") if isinstance(raw, dict) else None
    if version != SCHEMA_VERSION:
        raise IndexVersionError(
            f"{directory}: index schema version {version!r} is not supported by this "
            f"searchlib (it reads version {SCHEMA_VERSION}); re-index the articles into a "
            "new index")
    return IndexMeta(schema_version=version, extractor=str(raw.get("extractor", "rules")))


def write_meta(directory: str | os.PathLike, meta: IndexMeta) -> None:
    """Write *meta* atomically (a reader never sees half a file)."""
    path = Path(directory) / META_FILE
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(asdict(meta), indent=2) + "\n", encoding="utf-8")
    os.replace(tmp, path)
