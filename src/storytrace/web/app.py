"""``create_app``: the FastAPI app over one store, with its error answers and safe defaults."""

from __future__ import annotations

from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from .. import __version__
from ..store import StoreBusy
from .api import api_routes
from .bodies import BadBody
from .safety import MAX_BODY_BYTES, BodyLimit, SecurityHeaders
from .store_access import NotFound, StoreAccess
from .ui import ui_routes


def create_app(db_path: str | Path, max_body_bytes: int = MAX_BODY_BYTES, warm: bool = True):
    """The app over the store at ``db_path`` (created when absent). ``warm``: load the sentence
    encoder at start-up, so the first trace does not pay for it (and two cannot race to load it)."""
    access = StoreAccess(db_path)

    @asynccontextmanager
    async def lifespan(app):
        if warm:
            from ..model import Article
            from ..text.prepared import prepare

            prepare([Article("warm-up", "storytrace loads its sentence encoder before the first request.")])
        yield
        access.close()

    app = FastAPI(title="storytrace", version=__version__, lifespan=lifespan,
                  description="Trace how news stories spread, over a storytrace store. Errors are "
                              "JSON objects {\"error\": \"...\"}.",
                  docs_url=None, redoc_url=None, openapi_url="/openapi.json")  # /docs: ui.py, offline
    app.state.access = access
    app.include_router(api_routes(access))
    app.include_router(ui_routes(access))

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException):
        message = exc.detail if isinstance(exc.detail, str) else str(exc.detail)
        if exc.status_code == 404 and message == "Not Found":
            message = f"no such endpoint: {request.method} {request.url.path}"
        return JSONResponse({"error": message}, status_code=exc.status_code, headers=getattr(exc, "headers", None))

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError):
        problems = ["{}: {}".format(".".join(str(x) for x in e.get("loc", ())), e.get("msg", "invalid"))
                    for e in exc.errors()]
        return JSONResponse({"error": "; ".join(problems) or "invalid request"}, status_code=422)

    @app.exception_handler(BadBody)
    async def bad_body(request: Request, exc: BadBody):
        return JSONResponse({"error": str(exc)}, status_code=422)

    @app.exception_handler(NotFound)
    async def not_found(request: Request, exc: NotFound):
        return JSONResponse({"error": str(exc)}, status_code=404)

    @app.exception_handler(StoreBusy)
    async def busy(request: Request, exc: StoreBusy):  # another process held the write lock too long
        return JSONResponse({"error": str(exc)}, status_code=503, headers={"retry-after": "10"})

    @app.exception_handler(Exception)
    async def failed(request: Request, exc: Exception):  # a fault of ours: still a JSON answer
        return JSONResponse({"error": f"internal error: {type(exc).__name__}: {exc}"[:300]}, status_code=500)

    app.add_middleware(BodyLimit, limit=max_body_bytes)
    app.add_middleware(SecurityHeaders)  # added last: outermost, so the 413s carry the headers too
    return app
