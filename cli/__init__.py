"""The ``searchlib`` command-line tool: a thin layer over the public API of :mod:`searchlib`.

Installed as ``searchlib.cli`` (the repository folder ``cli/``).
"""

from searchlib.cli import _browsing, _check, _searching, _writing  # noqa: F401  (each adds its commands)
from searchlib.cli._app import main

__all__ = ["main"]
