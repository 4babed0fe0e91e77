"""The JSON API under /api: thin routes over StoreAccess. Store work runs in the thread pool, so a
long trace or batch never blocks the server's event loop."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse

from ..judge.relate import RELATION_RANK
from .bodies import added_articles, traced_article
from .store_access import StoreAccess

Relation = Literal[tuple(RELATION_RANK)]

_ARTICLE_SCHEMA = {
    "type": "object", "required": ["text"],
    "properties": {name: {"type": "string"} for name in ("id", "title", "text", "html", "url", "published",
                                                         "outlet", "byline")},
    "description": "an article: its text (or an HTML page in \"html\") and optional metadata",
}
_TRACE_BODY = {"requestBody": {"required": True, "content": {
    "application/json": {"schema": _ARTICLE_SCHEMA},
    "text/html": {"schema": {"type": "string", "description": "a whole HTML page, extracted as an HTML file is"}},
    "text/plain": {"schema": {"type": "string", "description": "the article's text"}}}}}
_ADD_BODY = {"requestBody": {"required": True, "content": {"application/json": {"schema": {"oneOf": [
    {**_ARTICLE_SCHEMA, "required": ["id", "text"]},
    {"type": "array", "items": {**_ARTICLE_SCHEMA, "required": ["id", "text"]}},
    {"type": "object", "properties": {"articles": {"type": "array", "items": _ARTICLE_SCHEMA}}}]}}}}}
_ERRORS = {404: {"description": "unknown id"}, 413: {"description": "body over the size limit"},
           422: {"description": "malformed JSON or not an article"}}


def api_routes(access: StoreAccess) -> APIRouter:
    router = APIRouter(prefix="/api", responses={422: _ERRORS[422]})

    @router.get("/stories", summary="Stories, newest first, one page at a time")
    def stories(offset: int = Query(0, ge=0), limit: int = Query(25, ge=1, le=200),
                q: str | None = Query(None, max_length=200, description="text in a title or outlet"),
                outlet: str | None = Query(None, max_length=200, description="an article of this outlet"),
                relation: Relation | None = Query(None, description="a pair of this relation inside the story")):
        return access.stories(offset, limit, q or None, outlet or None, relation or None)

    @router.get("/stories/{story_id}", summary="One story: its articles with their sources, pairs, claims",
                responses={404: _ERRORS[404]})
    def story(story_id: str):
        document, _ = access.story(story_id)
        return document

    # Ids are often URLs (a WARC record's id is its address): the article's route takes the rest of
    # the path, slashes included; the query forms take any id at all ("..", which clients resolve
    # away in a path, and a pair of ids with slashes, which a path cannot split).
    @router.get("/articles/{article_id:path}", summary="One article: its fields, text, sources, story and pairs",
                responses={404: _ERRORS[404]})
    def article(article_id: str):
        return access.article(article_id)

    @router.get("/articles", summary="One article by its id as a query parameter (any id)",
                responses={404: _ERRORS[404]})
    def article_by_query(id: str = Query(..., min_length=1, description="the article's id")):
        return access.article(id)

    @router.get("/pairs/{a}/{b}", summary="One pair (either order): relation, coverage, passages, both texts",
                responses={404: _ERRORS[404]})
    def pair(a: str, b: str):
        return access.pair(a, b)

    @router.get("/pairs", summary="One pair by its two ids as query parameters (any ids)",
                responses={404: _ERRORS[404]})
    def pair_by_query(a: str = Query(..., min_length=1), b: str = Query(..., min_length=1)):
        return access.pair(a, b)

    @router.post("/trace", summary="Trace one article against the store; nothing is stored",
                 openapi_extra=_TRACE_BODY, responses={413: _ERRORS[413]})
    async def trace(request: Request):
        article, notes = traced_article(await request.body(), request.headers.get("content-type"))
        result = await run_in_threadpool(access.trace, article)
        if notes:
            result["errors"] = notes
        return result

    @router.post("/articles", summary="Add one article or a batch; answered once committed", status_code=201,
                 openapi_extra=_ADD_BODY, responses={413: _ERRORS[413], 200: {"description": "nothing new"}})
    async def add(request: Request):
        articles, notes = added_articles(await request.body())
        report = await run_in_threadpool(access.add, articles)
        report["errors"] = notes + report.pop("notes")  # unreadable inputs, then ids add had to change
        return JSONResponse(report, status_code=201 if report["added"] else 200)

    return router
