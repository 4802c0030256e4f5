"""Only the dashboard's own routes answer; every other path is a plain 404.

Dash answers any path with the page (its catch-all route serves multi-page apps), and a
component-suite path it does not know raises an exception Flask logs as a 500 with a traceback.
``create_app`` applies ``harden`` to every app it builds, so the guard holds however the app is
served (``jevons serve``, ``start_server``, or ``create_app().server`` under another WSGI server).
"""

from __future__ import annotations

from urllib.parse import unquote

from dash import Dash
from dash.exceptions import DependencyException
from flask import request
from werkzeug.exceptions import NotFound

#: Dash's catch-all route, which would answer any path with the page (a multi-page app's
#: routing); this dashboard has one page, so any other path is not found.
_CATCH_ALL = "/<path:path>"


def _not_found(_exc: Exception | None = None) -> tuple[str, int, dict[str, str]]:
    return "not found\n", 404, {"Content-Type": "text/plain; charset=utf-8"}


def _traverses(raw_path: str) -> bool:
    """True for a path with a ``..`` segment, however it was encoded (``%2e%2e``, ``%2f``)."""
    text = raw_path.split("?", 1)[0]
    for _ in range(3):  # double encoding (%252e) too
        text = unquote(text)
    return ".." in text.replace("\\", "/").split("/")


def harden(app: Dash) -> Dash:
    """Answer 404 to every path but the dashboard's own routes, before any of them runs.

    A request whose raw path climbs (``..``) or that only Dash's catch-all would take gets 404;
    a component-suite path Dash does not know raises its ``DependencyException``, which would
    be a 500 with a traceback in the log: it becomes a 404 too.
    """
    server = app.server

    def _only_dashboard_routes() -> tuple[str, int, dict[str, str]] | None:
        raw = str(request.environ.get("REQUEST_URI") or request.environ.get("RAW_URI") or "")
        rule = request.url_rule
        if _traverses(raw) or _traverses(request.path) or rule is None or rule.rule == _CATCH_ALL:
            return _not_found()
        return None

    server.before_request(_only_dashboard_routes)
    server.register_error_handler(DependencyException, _not_found)
    server.register_error_handler(NotFound, _not_found)
    return app
