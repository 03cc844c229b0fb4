"""The ``searchlib`` command-line tool: a thin layer over :mod:`searchlib`."""

from cli import browsing, searching, writing  # noqa: F401  (each module adds its commands)
from cli.app import main

__all__ = ["main"]
