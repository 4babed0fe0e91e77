"""``storytrace serve``: the app run by uvicorn, on the loopback address unless told otherwise."""

from __future__ import annotations

import sys

from .safety import is_loopback


def run_serve(args) -> int:
    import uvicorn  # imported here: a missing uvicorn is the one-line dependency error, not a traceback

    from ..store import NotAStore
    from .app import create_app

    if not is_loopback(args.host):
        print(f"storytrace: warning: serving on {args.host}, reachable from other machines; the API can add "
              "articles and has no authentication (the default, 127.0.0.1, keeps it to this machine)",
              file=sys.stderr)
    try:
        app = create_app(args.db, max_body_bytes=args.max_body_bytes)
    except NotAStore as exc:
        print(f"storytrace: {exc}", file=sys.stderr)
        return 2
    print(f"storytrace: serving {args.db} ({app.state.access.count()} articles) on "
          f"http://{_url_host(args.host)}:{args.port}/ (API docs at /docs); Ctrl-C stops", file=sys.stderr)
    uvicorn.run(app, host=args.host, port=args.port, log_level="warning", server_header=False)
    return 0


def _url_host(host: str) -> str:
    return f"[{host}]" if ":" in host and not host.startswith("[") else host
