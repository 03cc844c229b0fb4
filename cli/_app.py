"""The ``searchlib`` command group and what every command shares."""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable

import click

import searchlib
from searchlib import Index, IndexLockedError, IndexNotFoundError, SearchlibError, UsageError


def fail(message: str) -> None:
    click.echo(f"searchlib: error: {message}", err=True)


def cli_message(error: SearchlibError) -> str:
    """A library error's message with the command line's way out added: the library names
    its parameters, the CLI its flags."""
    message = str(error)
    ctx = click.get_current_context(silent=True)
    options = {p.name for p in ctx.command.params} if ctx is not None else set()
    if isinstance(error, IndexLockedError) and "wait" in options:
        message += "; use --wait SECONDS to wait longer"
    elif isinstance(error, IndexNotFoundError) and "index_path" in options:
        message += "; create it with: searchlib index PATH... --index DIR"
    return message


def handle_errors(func: Callable) -> Callable:
    """Turn library errors into one line on stderr and exit code 1 (2 for a usage error, as
    click's own), never a traceback.

    Ctrl-C is exit code 130, as from a shell (click's own handling would say "Aborted!" and
    exit 1).
    """

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        try:
            return func(*args, **kwargs)
        except SearchlibError as e:
            fail(cli_message(e))
            sys.exit(2 if isinstance(e, UsageError) else 1)
        except KeyboardInterrupt:
            fail("interrupted")
            sys.exit(130)
        except BrokenPipeError:
            # `searchlib search ... | head` closes our stdout early: that is not an error.
            sys.stderr.close()
            sys.exit(0)

    return wrapper


index_option = click.option(
    "--index", "index_path", metavar="PATH", envvar="SEARCHLIB_INDEX",
    help="Index directory [default: $SEARCHLIB_INDEX, else ./searchlib-index].")


def open_index(path: str | None) -> Index:
    """Open the index the --index option (or its defaults) points at."""
    return Index.open(path)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(searchlib.__version__, prog_name="searchlib")
def main() -> None:
    """Search news articles paragraph by paragraph, by words and named entities."""
