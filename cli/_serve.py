"""The ``serve`` command: the web page and JSON API of :mod:`searchlib.web` on a local port."""

from __future__ import annotations

import socket
import sys
import threading
import webbrowser

import click
from searchlib.cli._app import fail, handle_errors, index_option, main, open_index

#: Host names that reach only this machine.
_LOOPBACK = {"127.0.0.1", "localhost", "::1"}


def _bind(host: str, port: int) -> socket.socket:
    """A listening socket, bound here so that a busy port is one line and exit 1."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    # Accepted connections inherit this. Without it, a kept-alive connection waits ~40 ms
    # per response (Nagle holds the body until the client's delayed ACK of the headers);
    # asyncio sets it on the sockets it creates itself, not on one handed to it.
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    try:
        sock.bind((host, port))
    except OSError as e:
        sock.close()
        fail(f"cannot listen on {host}:{port}: {e.strerror or e}")
        sys.exit(1)
    sock.listen(128)
    return sock


def _open_when_started(server, url: str) -> None:
    def wait() -> None:
        while not server.started and not server.should_exit:
            threading.Event().wait(0.05)
        if server.started:
            webbrowser.open(url)

    threading.Thread(target=wait, daemon=True).start()


@main.command()
@index_option
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on; anything but loopback lets other machines read "
                   "the index (there is no login).")
@click.option("--port", default=8001, show_default=True, type=click.IntRange(0, 65535),
              help="Port to listen on (0: any free port).")
@click.option("--open", "open_browser", is_flag=True, help="Open the page in a browser.")
@handle_errors
def serve(index_path, host, port, open_browser):
    """Serve a search page and a JSON API over the index, read-only (needs the 'web'
    extra: pip install 'searchlib[web]')."""
    try:
        import uvicorn
        from searchlib.web import create_app
    except ImportError as e:
        fail(f"'searchlib serve' needs the web extra ({e.name} is missing): "
             "pip install 'searchlib[web]'")
        sys.exit(1)
    with open_index(index_path) as ix:
        local = host in _LOOPBACK
        app = create_app(ix, allowed_hosts=None if local else ["*"])
        sock = _bind(host, port)
        shown = f"[{host}]" if ":" in host else host
        url = f"http://{shown}:{sock.getsockname()[1]}/"
        if not local:
            click.echo(f"searchlib: warning: listening on {host}: anyone who can reach this "
                       "machine can read the index", err=True)
        click.echo(f"searchlib: serving {ix.path} at {url} (Ctrl-C to stop)", err=True)
        server = uvicorn.Server(uvicorn.Config(app, log_level="warning", access_log=False))
        if open_browser:
            _open_when_started(server, url)
        server.run(sockets=[sock])
