"""The ``searchlib`` command-line tool: a thin layer over the public API of :mod:`searchlib`.

Installed as ``searchlib.cli`` (the repository folder ``cli/``).
"""

import searchlib.cli._reextract  # noqa: F401  (adds the reextract command)
from searchlib.cli import _browsing, _searching, _writing  # noqa: F401  (each adds its commands)
from searchlib.cli._app import main

__all__ = ["main"]
