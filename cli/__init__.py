"""The ``searchlib`` command-line tool: a thin layer over the public API of :mod:`searchlib`.

Installed as ``searchlib.cli`` (the repository folder ``cli/``).
"""

from searchlib.cli import (  # noqa: F401  (each adds its commands)
    _browsing,
    _check,
    _reextract,
    _searching,
    _serve,
    _writing,
)
from searchlib.cli._app import main

__all__ = ["main"]
