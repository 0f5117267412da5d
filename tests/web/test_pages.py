"""The pages through Starlette's TestClient: what they show (exact texts, counts, links), errors
as the command line's one line, and every piece of article text escaped."""
from __future__ import annotations

import functools
import html
import json
import shutil
from urllib.parse import parse_qs, urlsplit

import pytest

import quotesearch as qs

from .conftest import WIRE, make_client, needs_news
from .web_helpers import elements, error_line


def api(client, path, **params):
    r = client.get(path, params=params)
    assert r.status_code == 200, r.text
    return r.json()


# -- search ----------------------------------------------------------------------------------

def test_search_page_shows_hits_with_highlights_from_their_offsets(client):
    r = client.get("/", params={"q": "reopen harbour"})
    assert r.status_code == 200
    hits = api(client, "/api/search", q="reopen harbour")
    shown = elements(r.text, "li", "hit")
    assert [li["data-id"] for li in shown] == [h["id"] for h in hits]
    for li, hit in zip(shown, hits):
        quote = elements(str_of(r.text, li), "blockquote")[0]
        assert quote.text == hit["text"]
        marks = [m.text for m in elements(str_of(r.text, li), "mark")]
        assert marks == [hit["text"][s:e] for s, e in hit["highlights"]] and marks
    assert "1–4 of" in html.unescape(r.text) and "<strong>4</strong> statements" in r.text


def str_of(page: str, li) -> str:
    """The HTML of the list item with ``li``'s data-id."""
    start = page.index(f'data-id="{html.escape(li["data-id"])}"')
    return page[start:page.index("</li>", start)]


def inside(page: str, tag: str, cls: str) -> str:
    """The HTML of the first ``tag`` element of class ``cls`` (not nested in another ``tag``)."""
    start = page.index(f'<{tag} class="{cls}"')
    return page[start:page.index(f"</{tag}>", start)]


def test_search_result_shows_speaker_role_outlet_date_and_links(client):
    r = client.get("/", params={"q": "all fishing boats"})
    li = str_of(r.text, {"data-id": "herald-harbour:102"})
    assert [a.text for a in elements(li, "a", "speaker")] == ["Ana Silva"]
    assert [s.text for s in elements(li, "span", "role")] == ["Port Director"]
    assert [s.text for s in elements(li, "span", "outlet")] == ["The Herald"]
    assert [t.text for t in elements(li, "time")] == ["2024-03-02"]
    links = {a.text: a["href"] for a in elements(li, "a")}
    assert links["Ana Silva"] == "/speakers/ana%20silva"
    assert links["Fishing fleet can return to harbour soon"] == "/sources/herald-harbour#st-herald-harbour:102"
    assert links["trace"] == "/trace?q=herald-harbour%3A102"


def test_the_query_string_holds_the_whole_search(client):
    params = {"q": "harbour", "speaker": "silva", "role": "director", "org": "", "outlet": "herald", "kind": "direct",
              "since": "2024-03", "until": "2024-03-31", "sort": "-date", "group": "1"}
    r = client.get("/", params=params)
    assert r.status_code == 200
    values = {el["name"]: el.get("value") for el in elements(r.text, "input") if el.get("type") not in ("checkbox",)}
    assert values == {"q": "harbour", "speaker": "silva", "role": "director", "org": "", "outlet": "herald",
                      "since": "2024-03", "until": "2024-03-31"}
    assert [o["value"] for o in elements(r.text, "option") if "selected" in o] == ["direct", "-date"]
    assert [el for el in elements(r.text, "input") if el.get("type") == "checkbox" and "checked" in el]
    assert [li["data-id"] for li in elements(r.text, "li", "hit")] == ["herald-harbour:102"]
    export = [a["href"] for a in elements(r.text, "a") if a.text == "CSV"][0]
    assert parse_qs(urlsplit(export).query) == {**{k: [v] for k, v in params.items() if v}, "format": ["csv"]}


def test_a_submitted_form_redirects_to_an_address_with_only_the_given_fields(client):
    r = client.get("/?q=reopen+harbour&speaker=&role=&org=&outlet=&kind=&since=&until=&sort=relevance&page=1",
                   follow_redirects=False)
    assert (r.status_code, r.headers["location"]) == (303, "/?q=reopen+harbour")
    r = client.get("/?q=&speaker=silva&sort=date", follow_redirects=False)
    assert (r.status_code, r.headers["location"]) == (303, "/?speaker=silva&sort=date")
    assert client.get("/?q=&sort=relevance", follow_redirects=False).headers["location"] == "/"
    odd = "troop* ~ 'x' é + & = %"
    r = client.get("/", params={"q": odd, "kind": ""})
    assert r.status_code == 200 and len(r.history) == 1
    assert elements(r.text, "input")[0]["value"] == odd
    assert client.get("/", params={"q": odd}, follow_redirects=False).status_code == 200  # no redirect


def test_search_paging_with_exact_total(client, web_index):
    with qs.Index(web_index) as ix:
        total = ix.search("", limit=1).total
        first_40 = [h.statement.id for h in ix.search("", limit=40)]
    one, two = client.get("/"), client.get("/", params={"page": "2"})
    assert f"<strong>{total:,}</strong> statements" in one.text and f"21–40 of <strong>{total:,}</strong>" in two.text
    assert [li["data-id"] for li in elements(one.text, "li", "hit")] == first_40[:20]
    assert [li["data-id"] for li in elements(two.text, "li", "hit")] == first_40[20:]
    assert [a["href"] for a in elements(one.text, "a") if a.get("rel") == "next"] == ["/?page=2"]
    assert [a["href"] for a in elements(two.text, "a") if a.get("rel") == "prev"] == ["/?page=1"]
    last = -(-total // 20)
    assert f"page 1 of {last}" in one.text


def test_group_wire_copies_counts_their_sources(client):
    r = client.get("/", params={"q": "reopen harbour fishing", "group": "1"})
    assert [li["data-id"] for li in elements(r.text, "li", "hit")] == ["gazette-harbour:29"]
    assert [a.text for a in elements(r.text, "a", "trace")] == ["carried by 3 sources"]
    assert "<strong>1</strong> quote" in r.text


@needs_news
@pytest.mark.corpus
def test_a_speaker_filter_matching_several_speakers_names_them(client):
    r = client.get("/", params={"speaker": "thomas"})
    note = [p for p in elements(r.text, "p", "note") if "matched" in p.text]
    assert [html.unescape(" ".join(p.text.split())) for p in note] == [
        "Speaker “thomas” matched 2 speakers: Clarence Thomas (2), Michael Thomas (2)."]
    assert {a["href"] for a in elements(inside(r.text, "p", "note"), "a")} == {
        "/speakers/michael%20thomas", "/speakers/clarence%20thomas"}
    assert "matched" not in client.get("/", params={"speaker": "silva"}).text


@pytest.mark.parametrize("params, args", [
    ({"q": '"troops'}, ('"troops',)),
    ({"q": "speaker:"}, ("speaker:",)),
    ({"since": "2024-13"}, ("--since", "2024-13")),
    ({"until": "yesterday"}, ("--until", "yesterday")),
    ({"since": "2025", "until": "2024"}, ("--since", "2025", "--until", "2024")),
])
def test_bad_query_or_date_is_the_cli_error_line_with_status_400(client, cli, params, args):
    r = client.get("/", params=params)
    assert r.status_code == 400
    result = cli("search", *args)
    assert error_line(r.text) == result.stderr.strip().splitlines()[-1]
    assert [el.get("value") for el in elements(r.text, "input") if el.get("name") in params] == list(params.values())


@pytest.mark.parametrize("params, line", [
    ({"page": "0"}, "Error: page '0' is not a whole number of 1 or more"),
    ({"page": "two"}, "Error: page 'two' is not a whole number of 1 or more"),
    ({"sort": "reading"}, "Error: --sort 'reading' is not one of relevance, date, -date"),
    ({"kind": "shouted"}, "Error: --kind 'shouted' is not one of direct, indirect, mixed"),
    ({"q": "reopen harbour", "page": "2"}, "Error: page 2 is past the last page (1) of this search"),
])
def test_bad_page_sort_or_kind_is_one_line(client, params, line):
    r = client.get("/", params=params)
    assert (r.status_code, error_line(r.text)) == (400, line)


def test_missing_or_older_index_gives_the_cli_message(tmp_path, cli):
    from click.core import ParameterSource

    from quotesearch.cli import _with_hint
    from quotesearch.cli import main
    from click.testing import CliRunner
    from quotesearch.web.app import create_app

    missing = tmp_path / "none"
    explain = functools.partial(_with_hint, index_given=(str(missing), ParameterSource.COMMANDLINE))
    expected = CliRunner().invoke(main, ["search", "troops", "--index", str(missing)]).stderr.strip()
    with make_client(create_app(str(missing), explain=explain)) as c:
        for path in ("/", "/?q=troops", "/speakers/barros", "/sources/kursk-incursion", "/trace?q=x", "/speakers"):
            r = c.get(path)
            assert (r.status_code, error_line(r.text)) == (503, expected)
        r = c.get("/api/search")
        assert (r.status_code, "Error: " + r.json()["error"]) == (503, expected)
    older = tmp_path / "older"
    with qs.Index(older) as ix:
        ix.add([str(WIRE / "herald-harbour.txt")], jobs=1)
    meta = older / "quotesearch.json"
    assert meta.is_file()
    meta.write_text(json.dumps(dict(json.loads(meta.read_text()), schema_version=1)))
    expected = CliRunner().invoke(main, ["search", "harbour", "--index", str(older)]).stderr.strip()
    assert "schema version 1" in expected
    with make_client(create_app(str(older))) as c:
        r = c.get("/", params={"q": "harbour"})
        assert (r.status_code, error_line(r.text)) == (503, expected)


def test_an_unknown_address_is_a_404_page(client):
    r = client.get("/nothing/here")
    assert r.status_code == 404 and error_line(r.text) == "Error: Not Found"
    assert client.get("/api/nothing").json() == {"error": "Not Found"}


# -- escaping ----------------------------------------------------------------------------------

PAYLOADS = ("<script>", "</textarea>", '"onerror=', "<img src=x", "<b>row</b>", "<Tribune>",
            "javascript:")


@pytest.mark.parametrize("path", [
    "/?q=plan", "/?q=textarea", "/?q=onerror", "/?speaker=reed", "/?outlet=tribune", "/sources/markup-test",
    "/speakers/tom%20reed", "/speakers/park", "/trace?q=markup-test:64", "/speakers", "/sources/gazette-harbour",
    "/trace?q=reuters-harbour:121", "/?q=%3Cscript%3E", "/?q=%22onerror%3D", "/?speaker=%3C/textarea%3E",
])
def test_every_piece_of_article_text_is_escaped(client, path):
    r = client.get(path)
    assert r.status_code in (200, 400, 404)
    for payload in PAYLOADS:
        assert payload not in r.text, (path, payload)
    assert r.headers["content-security-policy"].startswith("default-src 'none'")
    assert "script-src" not in r.headers["content-security-policy"]  # none: default-src 'none'


def test_escaped_text_reads_exactly_as_written(client):
    r = client.get("/sources/markup-test")
    statements = api(client, "/api/sources/markup-test")
    assert [s["text"] for s in statements] == ["<script>alert(1)</script> is not a plan for the town",
                                               '“The form said "onerror=alert(2) x=" and then </textarea> broke it']
    assert elements(r.text, "h1")[0].text == "Council <b>row</b> over <img src=x onerror=alert(3)> web page"
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in r.text
    assert "&lt;/textarea&gt;" in r.text and "&#34;onerror=alert(2) x=&#34;" in r.text
    gazette = client.get("/sources/gazette-harbour")
    assert "original" not in [a.text for a in elements(gazette.text, "a")]  # a javascript: url is no link


# -- speaker -----------------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["ana%20silva", "Ana%20Silva", "ANA%20SILVA", "%C3%81na%20S%C3%ADlva", "silva",
                                  "Port%20Director%20Ana%20Silva", "ana-silva", "Ms.%20Silva"])
def test_any_folded_form_finds_the_speaker(client, name):
    r = client.get(f"/speakers/{name}")
    assert r.status_code == 200, name
    assert elements(r.text, "h1")[0].text == "Ana Silva"
    assert elements(r.text, "dd", None)[0].text == "4"
    assert [li["data-id"] for li in elements(r.text, "li", "hit")] == [
        "gazette-harbour:29", "herald-harbour:102", "reuters-harbour:121", "reuters-harbour:242"]


def test_speaker_page_roles_articles_dates_timeline_outlets(client):
    r = client.get("/speakers/ana%20silva")
    facts = dict(zip([dt.text for dt in elements(r.text, "dt")], [dd.text for dd in elements(r.text, "dd")]))
    assert facts == {"Statements": "4", "Articles": "3", "First": "2024-03-01", "Last": "2024-03-05",
                     "Roles": "Port Director (4)"}
    bars = elements(r.text, "rect", "bar")
    assert [b.text for b in bars] == ["2024-03: 4"]
    assert [li.text for li in elements(inside(r.text, "figure", "outlets"), "li")] == [
        "Reuters 2", "Gazette 1", "The Herald 1"]  # ties in reading order
    assert [a["href"] for a in elements(inside(r.text, "ul", "articles"), "a")] == [
        "/sources/reuters-harbour", "/sources/herald-harbour", "/sources/gazette-harbour"]


def test_timeline_has_a_bar_for_every_month_between_first_and_last(client):
    r = client.get("/speakers/george%20barros")  # the seed: one article
    assert r.status_code == 200
    from quotesearch.web.pages import months_between, timeline
    from collections import Counter

    assert months_between(Counter({"2023-11": 2, "2024-02": 1})) == [
        ("2023-11", 2), ("2023-12", 0), ("2024-01", 0), ("2024-02", 1)]
    chart = timeline([("2023-11", 2), ("2023-12", 0), ("2024-01", 0), ("2024-02", 1)])
    assert [b.height for b in chart["bars"]] == [88.0, 0.0, 0.0, 44.0]
    assert [year for _, year in chart["years"]] == ["2023", "2024"]


def test_a_speaker_key_of_an_anonymous_speaker_finds_it(client):
    r = client.get("/speakers/officials@reuters-harbour")
    assert r.status_code == 200 and elements(r.text, "h1")[0].text == "officials"
    assert [li["data-id"] for li in elements(r.text, "li", "hit")] == ["reuters-harbour:37"]


@needs_news
@pytest.mark.corpus
def test_a_surname_of_several_speakers_lists_them(client):
    r = client.get("/speakers/thomas")
    assert r.status_code == 200
    assert {a.text for a in elements(inside(r.text, "ul", "choose"), "a")} == {"Michael Thomas", "Clarence Thomas"}


def test_an_unknown_speaker_is_a_404(client, web_index):
    r = client.get("/speakers/nobody%20atall")
    assert (r.status_code, error_line(r.text)) == (
        404, f"Error: no speaker 'nobody atall' in the index at {web_index}; see the speakers at /speakers")


# -- article -----------------------------------------------------------------------------------

def marked_texts(page: str) -> dict:
    """statement id -> its highlighted text on an article page, span by span joined as extraction joins them."""
    parts: dict = {}
    for a in elements(page, "a", "st"):
        for statement_id, k in json.loads(a["data-spans"]):
            parts.setdefault(statement_id, {}).setdefault(k, []).append(a.text)
    return {sid: " … ".join(" ".join("".join(p).split()) for _, p in sorted(spans.items()))
            for sid, spans in parts.items()}


@pytest.mark.parametrize("source", ["kursk-incursion", "reuters-harbour", "markup-test"])
def test_article_page_highlights_every_statement_in_place(client, source):
    r = client.get(f"/sources/{source}")
    assert r.status_code == 200
    statements = api(client, f"/api/sources/{source}")
    assert marked_texts(r.text) == {s["id"]: s["text"] for s in statements}
    article = elements(r.text, "article", "text")[0]
    labels = [w.text for w in elements(r.text, "span", "who")]
    assert labels == [s["speaker"] for s in statements]  # in reading order, one per statement
    assert article.text.strip()
    records = elements(r.text, "section", "record")
    assert [rec["data-id"] for rec in records] == [s["id"] for s in statements]
    assert {a["href"] for a in elements(r.text, "a", "st")} == {f"#s{n}" for n in range(len(statements))}


@needs_news
@pytest.mark.corpus
def test_article_page_with_nested_statements(client):
    """A statement inside another one's span (a quote within a reported paragraph): both highlighted."""
    source = "nbcnews-2019-omar-threat-guilty-plea"
    r = client.get(f"/sources/{source}")
    statements = api(client, f"/api/sources/{source}")
    assert marked_texts(r.text) == {s["id"]: s["text"] for s in statements}
    assert elements(r.text, "a", "nested")


def test_article_text_is_the_file_without_the_labels(client):
    import re

    r = client.get("/sources/reuters-harbour")
    labels = [w.text for w in elements(r.text, "span", "who")]
    assert labels == ["officials", "Ana Silva", "Ana Silva"]
    without_labels = re.sub(r'<span class="who"[^>]*>[^<]*</span>', "", r.text)
    original = (WIRE / "reuters-harbour.txt").read_text(encoding="utf-8")
    assert elements(without_labels, "article", "text")[0].text == original


def test_article_page_shows_contexts_when_the_file_changed_or_is_gone(client, tmp_path):
    from quotesearch.web.app import create_app

    folder = tmp_path / "texts"
    shutil.copytree(WIRE, folder)
    index = tmp_path / "idx"
    with qs.Index(index) as ix:
        ix.add([str(folder)], jobs=1)
    path = folder / "reuters-harbour.txt"
    path.write_text(path.read_text(encoding="utf-8").replace("The city's", "The small city's"), encoding="utf-8")
    with make_client(create_app(str(index))) as c:
        r = c.get("/sources/reuters-harbour")
        assert r.status_code == 200 and not elements(r.text, "article")
        assert html.unescape(elements(r.text, "p", "note")[0].text) == (
            f"The article's text is not shown: {path} has changed since it was indexed; index it again to see it whole. "
            "Its statements are shown in their paragraphs.")
        statements = c.get("/api/sources/reuters-harbour").json()
        assert [p.text for p in elements(r.text, "p", "context")] == list(dict.fromkeys(s["context"] for s in statements))
        assert marked_texts(r.text) == {s["id"]: s["text"] for s in statements}
        path.unlink()
        r = c.get("/sources/reuters-harbour")
        assert "came from " + str(path) + " (no file there now)" in html.unescape(r.text)


def test_an_unknown_source_is_the_cli_error(client, cli):
    r = client.get("/sources/nowhere")
    assert (r.status_code, error_line(r.text)) == (404, cli("source", "nowhere").stderr.strip())


# -- trace -------------------------------------------------------------------------------------

def test_trace_page_earliest_first_with_wording_differences(client):
    r = client.get("/trace", params={"q": "reuters-harbour:121"})
    assert r.status_code == 200
    rows = elements(r.text, "li", "appearance")
    assert [li["data-id"] for li in rows] == ["reuters-harbour:121", "herald-harbour:102", "gazette-harbour:29"]
    assert [t.text for t in elements(r.text, "time")] == ["2024-03-01", "2024-03-02", "2024-03-05"]
    assert [i.text for i in elements(r.text, "ins")] == ["all"] and not elements(r.text, "del")
    assert [p.text for p in elements(r.text, "p", "same-note")] == ["(same wording)"]
    assert [c.text for c in elements(r.text, "circle", "dot")] == [
        "1. Reuters, 2024-03-01", "2. The Herald, 2024-03-02", "3. Gazette, 2024-03-05"]
    assert "3 appearances in 3 sources" in r.text
    by_words = client.get("/trace", params={"q": "reopen the harbour to fishing boats"})
    assert [li["data-id"] for li in elements(by_words.text, "li", "appearance")] == [li["data-id"] for li in rows]


def test_trace_without_a_quote_is_a_form_and_an_unknown_one_the_cli_error(client, cli):
    r = client.get("/trace")
    assert r.status_code == 200 and elements(r.text, "input", None)[0]["name"] == "q"
    r = client.get("/trace", params={"q": "nowhere:5"})
    assert (r.status_code, error_line(r.text)) == (404, cli("trace", "nowhere:5").stderr.strip())


def test_word_diff():
    from quotesearch.web.pages import word_diff

    assert word_diff("We will reopen the harbour.", "We will reopen the HARBOUR now") == [
        ("same", "We will reopen the HARBOUR"), ("added", "now")]
    assert word_diff("a b c d", "a x c") == [("same", "a"), ("removed", "b"), ("added", "x"), ("same", "c"),
                                             ("removed", "d")]


def test_pieces_cut_nested_and_overlapping_spans():
    from quotesearch.web.pages import Piece, pieces

    assert pieces("abcdefgh", [(1, 6, "x"), (3, 5, "y"), (5, 8, "z")]) == [
        Piece("a"), Piece("bc", ("x",)), Piece("de", ("x", "y")), Piece("f", ("x", "z")), Piece("gh", ("z",))]


def test_ids_and_keys_with_slashes_and_spaces(tmp_path):
    """A source id made from a path under a folder (a/harbour story) and an anonymous speaker's key
    naming it: their pages and links work."""
    from quotesearch.web.app import create_app

    (tmp_path / "crawl" / "a").mkdir(parents=True)
    (tmp_path / "crawl" / "a" / "harbour story.txt").write_text(
        (WIRE / "reuters-harbour.txt").read_text(encoding="utf-8"), encoding="utf-8")
    index = tmp_path / "idx"
    with qs.Index(index) as ix:
        ix.add([str(tmp_path / "crawl")], jobs=1)
    with make_client(create_app(str(index))) as c:
        statements = c.get("/api/sources/a/harbour story").json()
        assert [s["source"] for s in statements] == ["a/harbour story"] * 3
        r = c.get("/", params={"q": "harbour"})
        links = [a["href"] for a in elements(r.text, "a", "article")]
        assert links[0].startswith("/sources/a%2Fharbour%20story#st-a%2Fharbour%20story:")
        page = c.get(links[0].split("#")[0])
        assert page.status_code == 200 and marked_texts(page.text) == {s["id"]: s["text"] for s in statements}
        speaker = [a["href"] for a in elements(r.text, "a", "speaker") if a.text == "officials"][0]
        assert speaker == "/speakers/officials%40a%2Fharbour%20story"
        assert [li["data-id"] for li in elements(c.get(speaker).text, "li", "hit")] == [statements[0]["id"]]


def test_an_organisation_speaking_is_not_named_twice(client):
    """A speaker that is its own organisation ("Ukraine", org "Ukraine") is shown once."""
    r = client.get("/", params={"q": "300,000 Russian soldiers"})
    li = str_of(r.text, {"data-id": "kursk-incursion:2119"})
    assert [a.text for a in elements(li, "a", "speaker")] == ["Ukraine"]
    assert elements(li, "span", "org") == []
