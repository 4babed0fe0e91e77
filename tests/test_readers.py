"""HTML, WARC and CSV readers on small fixtures written for the tests, and their bad inputs."""

from __future__ import annotations

import gzip
import io
import json
import shutil
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from storytrace.text.clean import mark_furniture
from storytrace.ingest import read_inputs
from storytrace.model import Article

FIXTURES = Path(__file__).with_name("fixtures")
PAGE, CRAWL, TABLE = FIXTURES / "page.html", FIXTURES / "crawl.warc", FIXTURES / "stories.csv"
BODY = [
    "The harbour bridge will reopen to traffic next spring",
    "Engineers have spent the past three years reinforcing the foundations",
    "Local businesses welcomed the announcement",
    "The council will publish the final budget for the project",
]


def copy(src: Path, dst: Path) -> Path:
    shutil.copyfile(src, dst)
    return dst


def furniture_lines(article: Article) -> list[str]:
    return [article.text[s:e] for s, e in article.furniture]


def inside_furniture(article: Article, snippet: str) -> bool:
    start = article.text.index(snippet)
    return any(s <= start and start + len(snippet) <= e for s, e in article.furniture)


# --- HTML ------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def page() -> Article:
    result = read_inputs([PAGE])
    assert result.errors == []
    [article] = result.articles
    mark_furniture([article])
    return article


def test_html_main_text_without_nav_cookie_banner_comments_or_footer(page):
    for sentence in BODY:
        assert sentence in page.text
    for chrome in ("Home", "Sport", "We use cookies", "Accept all cookies", "Finally! I have been waiting",
                   "scandal", "Comments (2)", "Privacy policy", "All rights reserved"):
        assert chrome not in page.text, chrome


def test_html_metadata(page):
    assert page.id == "page"
    assert page.title == "Harbour bridge to reopen next spring"
    assert page.byline == "Jane Doe"
    assert page.published == "2023-09-28T09:30:00+01:00"  # the day, made precise by the meta timestamp
    assert page.outlet == "The Example Gazette"
    assert page.url == "https://gazette.example/news/harbour-bridge-reopens"
    assert page.language == "en-GB"
    assert page.dateline == "PORTSMOUTH"  # read from the extracted text like a plain capture's


def test_html_furniture_is_marked_in_the_extracted_text_and_body_is_not(page):
    for line in ("Read more: Council approves the budget for the harbour works",
                 "Sign up for our free morning newsletter", "Source link"):
        assert inside_furniture(page, line), line
    for sentence in BODY:
        assert not inside_furniture(page, sentence), sentence


def test_html_source_link_to_another_site_is_a_credit(page):
    assert page.credits == ["wire.example"]


def test_gzipped_html_reads_the_same(tmp_path, page):
    path = tmp_path / "page.html.gz"
    path.write_bytes(gzip.compress(PAGE.read_bytes()))
    [article] = read_inputs([path]).articles
    assert (article.id, article.text, article.title) == (page.id, page.text, page.title)


def test_html_sub_headings_are_not_taken_for_related_links(tmp_path):
    paragraphs = [f"<p>{s}, the council said on Thursday in a statement to residents of the town.</p>" for s in BODY]
    html = ("<html><body><article><h1>Bridge news</h1>" + paragraphs[0] + paragraphs[1]
            + "<h2>Budget: what the council will publish next month</h2>" + paragraphs[2] + paragraphs[3]
            + "</article></body></html>")
    [article] = read_inputs([{"html": html, "id": "h"}]).articles
    mark_furniture([article])
    assert "Budget: what the council will publish next month" in article.text
    assert article.furniture == []
    # the same line in a plain-text capture reads as a related-story link
    plain = Article(id="p", text=article.text)
    mark_furniture([plain])
    assert furniture_lines(plain) == ["Budget: what the council will publish next month"]


def test_legacy_encoding_html_is_decoded_with_a_note(tmp_path):
    html = ('<html><head><meta charset="windows-1252"><title>Caf\u00e9 reopens</title></head><body><article>'
            '<p>The caf\u00e9 on the square reopened on Monday after a fire closed it for six months, its owner said.</p>'
            '<p>Regulars queued outside before the doors opened, and the first coffee was served at seven.</p>'
            '</article></body></html>')
    path = tmp_path / "cafe.html"
    path.write_bytes(html.encode("cp1252"))
    result = read_inputs([path])
    [article] = result.articles
    assert "caf\u00e9 on the square" in article.text
    assert result.errors == [f"{path}: not UTF-8, read as cp1252 (declared)"]


@pytest.mark.parametrize("content", [b"<<<>>>\x01 not a page", b"<html><body></body></html>", b"   \n"])
def test_malformed_or_empty_html_is_one_line_and_the_rest_is_read(tmp_path, content):
    bad = tmp_path / "bad.html"
    bad.write_bytes(content)
    good = copy(PAGE, tmp_path / "good.html")
    result = read_inputs([bad, good])
    assert [a.id for a in result.articles] == ["good"]
    assert len(result.errors) == 1 and result.errors[0].startswith(f"{bad}: ")


def test_truncated_gzip_html_reads_what_is_there(tmp_path):
    data = gzip.compress(PAGE.read_bytes())
    cut = tmp_path / "cut.html.gz"
    cut.write_bytes(data[: len(data) * 3 // 4])
    result = read_inputs([cut])
    assert result.errors[0].startswith(f"{cut}: truncated gzip file")
    assert [a.id for a in result.articles] == ["cut"] and BODY[0] in result.articles[0].text
    nothing = tmp_path / "nothing.html.gz"
    nothing.write_bytes(data[:12])
    assert read_inputs([nothing]).errors == [f"{nothing}: truncated gzip file, nothing readable, skipped"]


# --- WARC ------------------------------------------------------------------------------------------

def test_warc_html_responses_are_articles_and_other_records_are_counted(tmp_path):
    result = read_inputs([CRAWL])
    assert [a.id for a in result.articles] == ["https://wire.example/port-reopens", "https://wire.example/schools-close"]
    assert result.skipped_records == 5
    assert result.errors == [f"{CRAWL}: 2 HTML pages read, 5 non-HTML records skipped "
                             "(2 request, 1 HTTP 301, 1 application/json, 1 warcinfo)"]
    first = result.articles[0]
    assert first.title == "River port reopens after repairs" and first.url == "https://wire.example/port-reopens"
    assert first.outlet == "wire.example" and first.language == "en"
    assert first.origin == f"{CRAWL}: record 3 (https://wire.example/port-reopens)"
    warc_date = next(r.rec_headers.get_header("WARC-Date") for r in ArchiveIterator(CRAWL.open("rb"))
                     if r.rec_type == "response")
    assert first.published == warc_date  # the page states no date: the record's date is used
    assert "Home" not in first.text and "Copyright" not in first.text
    mark_furniture(result.articles)
    assert furniture_lines(first) == ["Read more: How the floods of last winter changed the port"]


def _per_record_gzip(raw: bytes) -> bytes:
    out = io.BytesIO()
    writer = WARCWriter(out, gzip=True)
    for record in ArchiveIterator(io.BytesIO(raw)):
        writer.write_record(record)
    return out.getvalue()


def test_warc_gz_per_record_and_whole_file(tmp_path):
    raw = CRAWL.read_bytes()
    for name, data in (("records.warc.gz", _per_record_gzip(raw)), ("whole.warc.gz", gzip.compress(raw))):
        path = tmp_path / name
        path.write_bytes(data)
        result = read_inputs([path])
        assert len(result.articles) == 2 and result.skipped_records == 5, name


def test_truncated_warc_gz_keeps_the_records_before_the_cut(tmp_path):
    data = _per_record_gzip(CRAWL.read_bytes())
    path = tmp_path / "cut.warc.gz"
    path.write_bytes(data[: len(data) // 2])
    result = read_inputs([path])
    assert [a.id for a in result.articles] == ["https://wire.example/port-reopens"]
    assert any(e.startswith(f"{path}: truncated after record ") for e in result.errors)


def test_truncated_plain_warc_is_reported(tmp_path):
    raw = CRAWL.read_bytes()
    path = tmp_path / "cut.warc"
    path.write_bytes(raw[: raw.index(b"schools-close") + 600])
    result = read_inputs([path])
    assert [a.id for a in result.articles] == ["https://wire.example/port-reopens"]
    assert any("truncated" in e and e.startswith(str(path)) for e in result.errors)


def test_warc_record_without_a_body_is_named(tmp_path):
    out = io.BytesIO()
    writer = WARCWriter(out, gzip=False)
    headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html")], protocol="HTTP/1.1")
    writer.write_record(writer.create_warc_record("https://x.example/empty", "response", payload=io.BytesIO(b""),
                                                  http_headers=headers))
    path = tmp_path / "empty-body.warc"
    path.write_bytes(out.getvalue() + CRAWL.read_bytes())
    result = read_inputs([path])
    assert len(result.articles) == 2
    assert f"{path}: record 1 (https://x.example/empty): no body, skipped" in result.errors


def test_not_a_warc_file(tmp_path):
    path = tmp_path / "fake.warc"
    path.write_bytes(b"hello, this is not a crawl")
    result = read_inputs([path])
    assert result.articles == [] and result.errors == [f"{path}: not a WARC file (it does not start with 'WARC/'), skipped"]


# --- CSV and the html field -----------------------------------------------------------------------

def test_csv_rows_text_or_html_and_a_row_with_missing_fields():
    result = read_inputs([TABLE])
    assert [a.id for a in result.articles] == ["ferry-1", "ferry-2"]
    first, second = result.articles
    assert (first.title, first.outlet, first.published, first.url) == (
        "Ferry service resumes", "Harbour Times", "2024-03-02", "https://harbour.example/ferry")
    assert first.text.startswith("The ferry service") and "\nOperators said" in first.text
    assert second.title == "Ferry back after storms" and "Boats returned" in second.text  # from the html column
    assert first.origin == f"{TABLE}:2" and second.origin == f"{TABLE}:4"
    assert result.errors == [f"{TABLE}:5: 4 fields, the header has 7",
                             f"{TABLE}:5: no \"text\" (or \"html\") string, skipped"]


def test_csv_default_ids_legacy_encoding_and_no_text_column(tmp_path):
    path = tmp_path / "feed.csv"
    path.write_bytes("title,text\nCaf\u00e9,The caf\u00e9 reopened on Monday.\n".encode("cp1252"))
    result = read_inputs([path])
    assert [(a.id, a.title, a.text) for a in result.articles] == [("feed:2", "Caf\u00e9", "The caf\u00e9 reopened on Monday.")]
    assert result.errors == [f"{path}: not UTF-8, read as cp1252"]
    other = tmp_path / "numbers.csv"
    other.write_text("a,b\n1,2\n")
    assert read_inputs([other]).errors == [f"{other}: the header has no \"text\" or \"html\" column, skipped"]


def test_jsonl_html_field_with_fields_that_win_over_the_page(tmp_path):
    path = tmp_path / "feed.jsonl"
    path.write_text(json.dumps({"id": "p", "html": PAGE.read_text(encoding="utf-8"), "title": "Given title"}) + "\n")
    [article] = read_inputs([path]).articles
    assert article.title == "Given title" and article.byline == "Jane Doe" and BODY[0] in article.text


def test_folder_walk_reads_every_format(tmp_path):
    for src in (PAGE, CRAWL, TABLE):
        copy(src, tmp_path / src.name)
    ids = [a.id for a in read_inputs([tmp_path]).articles]
    assert ids == ["https://wire.example/port-reopens", "https://wire.example/schools-close", "page",
                   "ferry-1", "ferry-2"]


def test_cli_reads_a_crawl_and_counts_the_skipped_records(tmp_path, capsys):
    from storytrace.cli import main

    out = tmp_path / "out.json"
    assert main(["analyze", str(CRAWL), str(PAGE), "--json", str(out)]) == 0
    err = capsys.readouterr().err
    assert "2 HTML pages read, 5 non-HTML records skipped" in " ".join(err.split())  # the console wraps lines
    assert err.splitlines()[-1].endswith("; 5 non-HTML WARC records skipped")
    data = json.loads(out.read_text(encoding="utf-8"))
    by_id = {a["id"]: a for a in data["articles"]}
    assert set(by_id) == {"https://wire.example/port-reopens", "https://wire.example/schools-close", "page"}
    page = by_id["page"]
    assert page["credits"] == ["wire.example"] and page["byline"] == "Jane Doe"
    text = read_inputs([PAGE]).articles[0].text
    assert [text[s:e] for s, e in page["furniture"]][0] == "Read more: Council approves the budget for the harbour works"
