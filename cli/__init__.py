"""The ``searchlib`` command-line tool."""

from cli.main import main

__all__ = ["main"]
