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
    :param extractor: the entity extractor that fills its entity fields
    :param extractor_version: that extractor's version when it last wrote (provenance)
    :param extractor_data: the fingerprint of its data files (weights, gazetteers)
    :param reextract: while a ``reextract`` is unfinished, the provenance tag it writes
    """

    schema_version: int = SCHEMA_VERSION
    extractor: str = "tagger"  # entities._base.DEFAULT_EXTRACTOR (storage imports no entities)
    extractor_version: str = ""
    extractor_data: str = ""
    reextract: str = ""


def read_meta(directory: str | os.PathLike) -> IndexMeta:
    """Read and check the metadata of the index in *directory*.

    :raises IndexNotFoundError: when there is no searchlib index there
    :raises IndexVersionError: when its schema version is not this release's
    """
    path = Path(directory) / META_FILE
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (FileNotFoundError, NotADirectoryError):
        if Path(directory).is_dir() and any(
                p.suffix in (".toc", ".seg") for p in Path(directory).glob("*MAIN_*")):
            raise IndexCorruptError(
                f"{directory}: holds Whoosh index files but no {META_FILE}; rebuild it with: "
                f"searchlib check --repair --index {directory}", str(path)) from None
        raise IndexNotFoundError(
            f"no searchlib index at {directory} (create one and add articles first)") from None
    except (OSError, ValueError) as e:
        raise IndexVersionError(f"{path}: unreadable index metadata ({e})") from None
    version = raw.get("schema_version") if isinstance(raw, dict) else None
    if version != SCHEMA_VERSION:
        raise IndexVersionError(_version_message(directory, version))
    return IndexMeta(schema_version=version, extractor=str(raw.get("extractor", "rules")),
                     extractor_version=str(raw.get("extractor_version", "")),
                     extractor_data=str(raw.get("extractor_data", "")),
                     reextract=str(raw.get("reextract", "")))


def _version_message(directory: str | os.PathLike, version: object) -> str:
    """One line: which version the index has, and how to rebuild it for this release."""
    if isinstance(version, int) and version > SCHEMA_VERSION:
        return (f"{directory}: index schema version {version} is newer than this searchlib "
                f"reads ({SCHEMA_VERSION}); upgrade searchlib to open it")
    # Only the release that wrote an index can read it, so the export runs with that one.
    return (f"{directory}: index schema version {version!r}, this searchlib reads version "
            f"{SCHEMA_VERSION}; rebuild it, exporting with the searchlib that wrote it: "
            f"searchlib export --index {directory} | searchlib index - --format jsonl "
            "--index NEW")


def write_meta(directory: str | os.PathLike, meta: IndexMeta) -> None:
    """Write *meta* atomically (a reader never sees half a file)."""
    path = Path(directory) / META_FILE
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(asdict(meta), indent=2) + "\n", encoding="utf-8")
    os.replace(tmp, path)
