"""``storytrace serve``'s JSON API and pages through FastAPI's TestClient, over a store of the
example corpus: every endpoint, the error answers (404, 413, 422), hostile text kept as data and
never as markup, and concurrent writers losing and duplicating nothing."""

from __future__ import annotations

import random
import sqlite3
import threading
from pathlib import Path

import pytest

pytest.importorskip("fastapi")
pytest.importorskip("httpx")
from fastapi.testclient import TestClient  # noqa: E402

from storytrace.ingest import read_inputs  # noqa: E402
from storytrace.store import Store, add_articles  # noqa: E402
from storytrace.web import create_app  # noqa: E402

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "nato-kyiv"
A, B = "000_a37f6e7e984c68d0", "002_5985c9d0a73851b2"
HOSTILE_TITLE = '<script>alert("title")</script><img src=x onerror=alert(1)>\u202eevil'
HOSTILE_TEXT = ('Officials said <script>alert(document.cookie)</script> the plan would go ahead.\n\n'
                '<img src=x onerror="alert(2)"> <a href="javascript:alert(3)">click here</a> for more.\n\n'
                'The minister said the talks would resume next week in Geneva.')


@pytest.fixture(scope="module")
def db(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("serve") / "example.db"
    with Store(path) as store:
        add_articles(store, read_inputs([str(EXAMPLE)]).articles, processes=1)
    return path


@pytest.fixture(scope="module")
def client(db):
    with TestClient(create_app(db)) as c:
        yield c


def _story_of(client, article_id: str) -> str:
    return client.get(f"/api/articles/{article_id}").json()["article"]["story"]


def test_stories_are_paged_newest_first_and_filtered(client):
    page = client.get("/api/stories").json()
    assert page["total"] == 2 and len(page["stories"]) == 2
    big = next(s for s in page["stories"] if s["articles"] == 4)
    assert big["origin"].startswith("00")  # the AP story's earliest version
    dated = [s["newest"] for s in page["stories"] if s["newest"]]
    assert dated == sorted(dated, reverse=True)
    one = client.get("/api/stories", params={"limit": 1, "offset": 1}).json()
    assert one["total"] == 2 and [s["id"] for s in one["stories"]] == [page["stories"][1]["id"]]
    # the rewrite 000 -> 002 is in the four-article story only; 003's story has no pair inside
    assert [s["id"] for s in client.get("/api/stories", params={"relation": "rewrite"}).json()["stories"]] == [big["id"]]
    outlets = big["outlets"]
    if outlets:
        found = client.get("/api/stories", params={"outlet": outlets[0].upper()}).json()["stories"]
        assert big["id"] in [s["id"] for s in found]
    assert client.get("/api/stories", params={"outlet": "no such outlet"}).json()["total"] == 0
    assert big["title"]
    assert client.get("/api/stories", params={"q": big["title"][5:25].upper()}).json()["stories"][0]["id"] == big["id"]
    assert client.get("/api/stories", params={"q": "zzzz-nothing"}).json()["total"] == 0


def test_an_outlet_with_a_comma_is_one_outlet(tmp_path):
    with Store(tmp_path / "s.db") as store:
        add_articles(store, read_inputs([{"id": "x", "outlet": "Reuters, London", "text": "A harbour crane fell."},
                                         {"id": "y", "text": "Untitled text about the weather in Oslo."}]).articles,
                     processes=1)
    with TestClient(create_app(tmp_path / "s.db")) as c:
        outlets = {s["origin"]: s["outlets"] for s in c.get("/api/stories").json()["stories"]}
    assert outlets == {"x": ["Reuters, London"], "y": []}


def test_story_article_and_pair(client):
    story_id = _story_of(client, B)
    story = client.get(f"/api/stories/{story_id}").json()
    assert story["schema"] == "storytrace/1"
    assert {A, B} < set(story["stories"][0]["articles"]) and len(story["stories"][0]["articles"]) == 4
    rewrite = next(a for a in story["articles"] if a["id"] == B)
    assert rewrite["sources"][0]["id"] == A and rewrite["sources"][0]["credited"] is False
    assert any({p["a"], p["b"]} == {A, B} and p["relation"] == "rewrite" for p in story["pairs"])
    assert any(c["grade"] == "altered" for c in story["claims"])
    article = client.get(f"/api/articles/{B}").json()
    assert article["article"]["text"] == (EXAMPLE / f"{B}.txt").read_text(encoding="utf-8").replace("\r\n", "\n")
    assert article["article"]["story"] == story_id and article["pairs"]
    for a, b in ((A, B), (B, A)):  # either order
        pair = client.get(f"/api/pairs/{a}/{b}").json()
        assert pair["pair"]["relation"] == "rewrite" and pair["pair"]["source"] == A
        texts = {x["id"]: x["text"] for x in pair["articles"]}
        start, end = pair["pair"]["passages"][0]["b"]
        assert texts[B][start:end].strip()


def test_unknown_ids_are_404_with_a_json_message(client):
    for url in ("/api/stories/story-99999", "/api/stories/bogus", "/api/articles/nope", f"/api/pairs/{A}/nope",
                "/api/nothing-here", "/static/../../etc/passwd", "/static/report.py", "/stories/story-99999"):
        r = client.get(url)
        assert r.status_code == 404, url
        assert r.headers["content-type"].startswith("application/json") and r.json()["error"], url


def test_articles_and_pairs_with_any_id_can_be_fetched(tmp_path):
    """Ids are often URLs (a WARC record's id is its address). GET /api/articles/{id} took one path
    segment, so such an article could not be fetched (404 "no such endpoint"); now the route takes
    slashes, and the query forms take any id, ".." included (which a client resolves away in a path)."""
    from urllib.parse import quote

    ids = ["https://example.com/news/2024/harbour", "..", "a b?c=1#d", "naïve/✓"]
    with TestClient(create_app(tmp_path / "s.db", warm=False)) as c:
        body = [{"id": i, "text": "The harbour reopened on Monday after the storm, the port authority said. "
                                  f"Ferries will run from Tuesday, number {k}."} for k, i in enumerate(ids)]
        assert c.post("/api/articles", json=body).status_code == 201
        for i in ids:
            assert c.get("/api/articles", params={"id": i}).json()["article"]["id"] == i
            if i != "..":
                assert c.get("/api/articles/" + quote(i, safe="")).json()["article"]["id"] == i
        pair = c.get("/api/pairs", params={"a": ids[0], "b": ids[3]}).json()["pair"]
        assert {pair["a"], pair["b"]} == {ids[0], ids[3]}
        assert c.get("/api/articles", params={"id": "nope/x"}).status_code == 404
        assert c.get("/api/articles").status_code == 422


def test_trace_a_json_article_and_an_html_page_storing_nothing(client):
    before = client.get("/api/stories").json()["total"]
    text = (EXAMPLE / f"{B}.txt").read_text(encoding="utf-8")
    result = client.post("/api/trace", json={"title": "pasted", "text": text}).json()
    me = result["articles"][0]
    assert me["sources"][0]["id"] == A and me["sources"][0]["credited"] is False
    assert result["stories"][0]["joins"] == [_story_of(client, A)]
    page = "<html><head><title>Copied</title></head><body><article>" + "".join(
        f"<p>{p}</p>" for p in text.split("\n\n") if p.strip()).replace("&", "&amp;") + "</article></body></html>"
    result = client.post("/api/trace", content=page.encode(), headers={"content-type": "text/html; charset=utf-8"}).json()
    assert A in [s["id"] for s in result["articles"][0]["sources"]]
    plain = client.post("/api/trace", content=text.encode(), headers={"content-type": "text/plain"}).json()
    assert plain["articles"][0]["sources"][0]["id"] == A
    assert client.get("/api/stories").json()["total"] == before
    with pytest.raises(Exception):
        client.get("/api/articles/trace").raise_for_status()


def test_malformed_or_wrong_bodies_are_422(client):
    for body, headers in ((b"{not json", {"content-type": "application/json"}),
                          (b'["a list"]', {"content-type": "application/json"}),
                          (b'{"title": "no text"}', {"content-type": "application/json"}),
                          (b"\xff\xfe\x00\x00", {"content-type": "application/json"})):
        r = client.post("/api/trace", content=body, headers=headers)
        assert r.status_code == 422 and r.json()["error"], body
    assert client.post("/api/trace", content=b"x", headers={"content-type": "image/png"}).status_code == 422
    r = client.post("/api/articles", content=b'{"id": "x", "text": ', headers={"content-type": "application/json"})
    assert r.status_code == 422 and "malformed JSON" in r.json()["error"]
    r = client.post("/api/articles", json=[{"text": "no id here"}])
    assert r.status_code == 422 and "id" in r.json()["error"]
    r = client.get("/api/stories", params={"limit": 0})
    assert r.status_code == 422 and "limit" in r.json()["error"]
    assert client.get("/api/stories", params={"relation": "cousin"}).status_code == 422


def test_bodies_over_the_limit_are_413_without_reading_them_whole(db):
    with TestClient(create_app(db, max_body_bytes=100_000, warm=False)) as small:
        r = small.post("/api/trace", content=b"x" * 100_001, headers={"content-type": "text/plain"})
        assert r.status_code == 413 and "100,000" in r.json()["error"]
        assert "content-security-policy" in r.headers
        assert small.post("/api/trace", content=b"A short text of its own.", headers={"content-type": "text/plain"}
                          ).status_code == 200


def test_a_streamed_body_is_refused_as_soon_as_it_passes_the_limit():
    """No Content-Length: the limit is checked on the stream, the rest never read (at the ASGI
    level, where the chunks received can be counted: TestClient sends a body whole)."""
    import asyncio

    from storytrace.web.safety import BodyLimit

    reached, pulled, sent = [], [], []

    async def app(scope, receive, send):
        reached.append(scope)

    async def receive():
        pulled.append(1)
        return {"type": "http.request", "body": b"y" * 10_000, "more_body": len(pulled) < 100}

    async def send(message):
        sent.append(message)

    scope = {"type": "http", "method": "POST", "headers": [(b"content-type", b"text/plain")]}
    asyncio.run(BodyLimit(app, 100_000)(scope, receive, send))
    assert sent[0]["status"] == 413 and b"100,000" in sent[1]["body"]
    assert len(pulled) == 11 and not reached  # refused at the chunk that passed the limit
    pulled.clear()
    asyncio.run(BodyLimit(app, 2_000_000)(scope, receive, send))  # within the limit: the app gets it
    assert len(pulled) == 100 and reached


def test_hostile_title_and_text_come_back_as_data_and_pages_never_carry_them_as_markup(client):
    r = client.post("/api/articles", json={"id": "hostile", "title": HOSTILE_TITLE, "text": HOSTILE_TEXT,
                                           "outlet": "<b>Evil</b> Times", "url": "javascript:alert(4)"})
    assert r.status_code == 201 and r.json()["added"] == ["hostile"]
    article = client.get("/api/articles/hostile").json()["article"]
    assert (article["title"], article["text"], article["url"]) == (HOSTILE_TITLE, HOSTILE_TEXT, "javascript:alert(4)")
    found = client.get("/api/stories", params={"q": "EVIL</B> t"}).json()["stories"]
    assert found and found[0]["outlets"] == ["<b>Evil</b> Times"]
    page = client.get(f"/stories/{article['story']}")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    html = page.text
    for raw in ("<script>alert", "<img src=x", "<b>Evil", 'href="javascript'):
        assert raw not in html, raw
    assert "\\u003cscript\\u003ealert" in html  # the title is in the page only as inert JSON
    # no page carries inline script: every executable script comes from /static (policy: 'self')
    for url in ("/", "/docs", f"/stories/{article['story']}"):
        r = client.get(url)
        policy = r.headers["content-security-policy"]
        assert "script-src 'self'" in policy and "unsafe-inline" not in policy and "default-src 'none'" in policy
        scripts = [s for s in r.text.split("<script")[1:]]
        assert all(s.startswith(' src="/static/') or s.startswith(' type="application/json"') for s in scripts), url


def test_pages_static_files_and_offline_docs(client):
    start = client.get("/")
    assert start.status_code == 200 and 'id="trace-text"' in start.text and 'src="/static/app.js"' in start.text
    for name, kind in (("app.js", "text/javascript"), ("report.js", "text/javascript"), ("report.css", "text/css"),
                       ("docs.js", "text/javascript")):
        r = client.get(f"/static/{name}")
        assert r.status_code == 200 and r.headers["content-type"].startswith(kind)
    docs = client.get("/docs")
    assert docs.status_code == 200 and "http" not in docs.text.split("<body>")[0]  # nothing from a CDN
    assert "//" not in "".join(s.split('"')[1] for s in docs.text.split(' src=')[1:])
    spec = client.get("/openapi.json").json()
    assert {"/api/stories", "/api/stories/{story_id}", "/api/articles/{article_id}", "/api/pairs/{a}/{b}",
            "/api/trace", "/api/articles"} <= set(spec["paths"])
    assert client.get("/redoc").status_code == 404


_SYLLABLES = ["ka", "lo", "mi", "ne", "pu", "ra", "si", "to", "vu", "ze", "bar", "dun", "fel", "gor", "hin",
              "jas", "kel", "mor", "nut", "pil", "qua", "ros", "tem", "vil", "wen", "yor", "zan", "bre", "cli", "dro"]


def _text(rng: random.Random, n: int) -> str:
    """Two short sentences of made-up words: texts that share next to nothing, so each added
    article is compared with few others and the test stays fast."""
    def word():
        return "".join(rng.choice(_SYLLABLES) for _ in range(3))
    return " ".join(" ".join(word() for _ in range(10)).capitalize() + f" {n}." for _ in range(2))


def test_concurrent_writers_lose_and_duplicate_nothing(tmp_path):
    db = tmp_path / "busy.db"
    acknowledged: list[str] = []
    failures: list[str] = []
    lock = threading.Lock()
    with TestClient(create_app(db)) as client:
        def writer(w: int) -> None:
            rng = random.Random(w)
            ids = [f"w{w}-{n:03d}" for n in range(125)]
            batches = [ids[:1], ids[1:2], ids[2:50], ids[50:51], ids[51:100], ids[100:]]  # singles and batches
            for batch in batches:
                body = [{"id": i, "text": _text(rng, int(i.split("-")[1]) + 1000 * w)} for i in batch]
                r = client.post("/api/articles", json=body[0] if len(body) == 1 else body)
                if r.status_code == 201:
                    with lock:
                        acknowledged.extend(r.json()["added"])
                else:
                    failures.append(f"{r.status_code} {r.text[:200]}")

        threads = [threading.Thread(target=writer, args=(w,)) for w in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert not failures, failures
        # a batch sent again is acknowledged as already stored, not added twice
        again = client.post("/api/articles", json=[{"id": "w0-000", "text": _text(random.Random(0), 0)}]).json()
        assert again["added"] == [] and again["unchanged"] == ["w0-000"]
    assert len(acknowledged) == 1000 and len(set(acknowledged)) == 1000
    with sqlite3.connect(db) as con:
        stored = [row[0] for row in con.execute("SELECT id FROM articles")]
    assert sorted(stored) == sorted(acknowledged)


def test_serve_listens_on_loopback_and_warns_when_told_otherwise(db, monkeypatch, capsys):
    import uvicorn

    from storytrace.cli import main

    runs = []
    monkeypatch.setattr(uvicorn, "run", lambda app, **options: runs.append((app, options)))
    assert main(["serve", "--db", str(db)]) == 0
    assert runs[-1][1]["host"] == "127.0.0.1" and runs[-1][1]["port"] == 8000
    assert "warning" not in capsys.readouterr().err
    assert main(["serve", "--db", str(db), "--host", "0.0.0.0", "--port", "8123", "--max-body-bytes", "1000"]) == 0
    assert runs[-1][1]["host"] == "0.0.0.0" and runs[-1][1]["port"] == 8123
    err = capsys.readouterr().err
    assert "warning: serving on 0.0.0.0" in err and "http://0.0.0.0:8123/" in err
    for app, _ in runs:
        app.state.access.close()
    from storytrace.web.safety import is_loopback
    assert [is_loopback(h) for h in ("127.0.0.1", "::1", "[::1]", "localhost", "0.0.0.0", "192.168.1.4", "example.org")] \
        == [True, True, True, True, False, False, False]


def test_serve_without_fastapi_is_one_line_naming_it(tmp_path):
    import subprocess
    import sys

    code = ("import sys\nsys.modules['fastapi'] = None\nfrom storytrace.cli import main\n"
            "sys.exit(main(sys.argv[1:]))\n")
    result = subprocess.run([sys.executable, "-c", code, "serve", "--db", str(tmp_path / "x.db")],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("storytrace: missing or broken dependency fastapi"), result.stderr


def test_a_posted_text_over_the_article_limit_is_cut_with_a_note(client, monkeypatch):
    from storytrace import limits

    monkeypatch.setattr(limits, "_CURRENT", limits.Limits(article_chars=200))
    text = (EXAMPLE / f"{B}.txt").read_text(encoding="utf-8")
    result = client.post("/api/trace", json={"text": text}).json()
    assert "over the limit of 200" in result["errors"][0]
    added = client.post("/api/articles", json={"id": "long-one", "text": text}).json()
    assert "over the limit of 200" in added["errors"][0]
    assert len(client.get("/api/articles/long-one").json()["article"]["text"]) <= 200


def test_an_id_add_had_to_change_is_in_the_answers_errors(tmp_path):
    with TestClient(create_app(tmp_path / "s.db", warm=False)) as c:
        c.post("/api/articles", json={"id": "y", "text": "First text about the storm in the harbour city last week."})
        answer = c.post("/api/articles", json=[
            {"id": "y", "text": "Second text about the storm in the harbour city, updated."},
            {"id": "y@v2", "text": "An unrelated article called y at v2, about the ferries and Kyiv."}]).json()
        assert answer["added"] == ["y@v2", "y@v2#2"] and answer["versions"] == ["y@v2"]
        assert answer["errors"] == ["input 2: id 'y@v2' is the id of a new version in this batch; this article "
                                    "stored as 'y@v2#2'"]
