"""``python -m jevons._web [--host H] [--port N] [--debug]``: the dashboard without the CLI.

Browser tests can start it as a subprocess and stop it by its process id; the CLI's own command
calls the same ``serve``.
"""

from __future__ import annotations

import argparse
import sys

from jevons._web.server import DEFAULT_HOST, DEFAULT_PORT, serve
from jevons.errors import JevonsError


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m jevons._web", description=__doc__)
    parser.add_argument(
        "--host", default=DEFAULT_HOST, help="address to bind (default %(default)s)"
    )
    parser.add_argument("--port", type=int, default=DEFAULT_PORT, help="default %(default)s")
    parser.add_argument("--debug", action="store_true", help="Dash dev tools in the page")
    args = parser.parse_args(argv)
    try:
        serve(args.host, args.port, debug=args.debug)
    except JevonsError as exc:
        print(f"error: {exc.message}", file=sys.stderr)
        return exc.exit_code
    return 0


if __name__ == "__main__":
    sys.exit(main())
