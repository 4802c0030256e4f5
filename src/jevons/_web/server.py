"""Serving the dashboard: a threaded Werkzeug WSGI server on 127.0.0.1 unless told otherwise.

Werkzeug comes with Flask (Dash's server), so no other server is needed; it serves each request
on its own thread, which is enough for one analyst and a browser test. ``serve`` blocks until
interrupted; ``start_server`` runs the same server on a background thread and returns a handle
to stop it, which is what a browser test needs (port 0 picks a free port).

The dashboard reads the local store and runs simulations on request, so it listens on the
loopback interface by default: exposing it on a network is a choice the caller makes by passing
another host, and ``serve`` says so in one line on stderr. Only the dashboard's own routes
answer: any other path (a path-traversal probe such as ``/../../etc/passwd`` or
``/_dash-component-suites/../../x``) gets a plain 404, with no traceback in the log.
"""

from __future__ import annotations

import contextlib
import ipaddress
import socket
import sys
import threading
from dataclasses import dataclass, field

from werkzeug.serving import BaseWSGIServer, make_server

from jevons._web.app import create_app
from jevons.errors import UsageError

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8050


def check_port_free(host: str, port: int) -> None:
    """Raise UsageError if ``port`` on ``host`` cannot be bound (another server holds it).

    The check binds a throwaway socket the way the server will; it does not set SO_REUSEADDR,
    so any socket bound to the port counts as in use.
    """
    if isinstance(port, bool) or not isinstance(port, int) or not 0 <= port <= 65535:
        raise UsageError(f"port must be a whole number from 0 to 65535, got {port!r}")
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror:
        raise UsageError(
            f"cannot resolve host '{host}'; use an address such as 127.0.0.1"
        ) from None
    family, kind, proto, _, address = infos[0]
    with socket.socket(family, kind, proto) as probe:
        try:
            probe.bind(address)
        except OSError:
            raise UsageError(f"port {port} on {host} is in use; choose another `port`") from None


def is_loopback(host: str) -> bool:
    """True when every address ``host`` names is on this machine only (127.0.0.0/8, ::1)."""
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        pass
    try:
        infos = socket.getaddrinfo(host, None)
    except socket.gaierror:
        return False
    return bool(infos) and all(ipaddress.ip_address(i[4][0]).is_loopback for i in infos)


def exposure_warning(host: str) -> str | None:
    """The one-line warning for a host that is not loopback, or None."""
    if is_loopback(host):
        return None
    return (
        f"warning: the dashboard is exposed on {host}: anyone who can reach this machine can "
        "read your store and run simulations on it; use `host='127.0.0.1'` to keep it local"
    )


def _make_server(host: str, port: int, *, debug: bool) -> BaseWSGIServer:
    app = create_app()
    if debug:
        # Dev tools show callback errors in the page; never on by default.
        app.enable_dev_tools(debug=True, dev_tools_hot_reload=False)
    try:
        return make_server(host, port, app.server, threaded=True)
    except OSError:
        # Taken between the check and the bind.
        raise UsageError(f"port {port} on {host} is in use; choose another `port`") from None


def serve(host: str = DEFAULT_HOST, port: int = DEFAULT_PORT, *, debug: bool = False) -> None:
    """Serve the dashboard at http://host:port/ until interrupted (Ctrl+C).

    Raises UsageError, before building anything, if the port is taken.
    """
    check_port_free(host, port)
    server = _make_server(host, port, debug=debug)
    warning = exposure_warning(host)
    if warning:
        print(warning, file=sys.stderr, flush=True)
    print(
        f"jevons dashboard on http://{host}:{server.server_port}/ (Ctrl+C to stop)",
        file=sys.stderr,
        flush=True,
    )
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


@dataclass(frozen=True)
class RunningServer:
    """A dashboard served on a background thread; ``stop()`` shuts it down and frees the port."""

    host: str
    port: int
    _server: BaseWSGIServer = field(repr=False)
    _thread: threading.Thread = field(repr=False)

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}/"

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=10)

    def __enter__(self) -> RunningServer:
        return self

    def __exit__(self, *exc: object) -> None:
        with contextlib.suppress(OSError):
            self.stop()


def start_server(host: str = DEFAULT_HOST, port: int = 0, *, debug: bool = False) -> RunningServer:
    """Serve the dashboard on a background thread and return at once, ready for requests.

    ``port=0`` takes a free port (read it from ``.port`` or ``.url``). Use as a context manager,
    or call ``stop()``.
    """
    if port:
        check_port_free(host, port)
    server = _make_server(host, port, debug=debug)
    thread = threading.Thread(target=server.serve_forever, name="jevons-dashboard", daemon=True)
    thread.start()
    return RunningServer(host, int(server.server_port), server, thread)
