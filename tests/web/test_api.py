"""The JSON API answers what the command line's --format json prints, and its errors are the
command line's one-line messages."""
from __future__ import annotations

import csv
import io
import json

import pytest

from .web_helpers import error_line


def test_api_search_is_the_cli_json(client, cli_json):
    r = client.get("/api/search", params={"q": "harbour reopen"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/json")
    assert r.json() == cli_json("search", "harbour reopen")
    assert r.headers["x-total-count"] == "4"
    assert [h["id"] for h in r.json()][:1] and all("highlights" in h for h in r.json())


def test_api_search_filters_sort_group_and_limit_are_the_cli_options(client, cli_json):
    params = {"q": "harbour", "speaker": "silva", "outlet": "herald", "since": "2024-03", "until": "2024-03-31",
              "kind": "direct", "sort": "-date"}
    assert client.get("/api/search", params=params).json() == cli_json(
        "search", "harbour", "--speaker", "silva", "--outlet", "herald", "--since", "2024-03", "--until",
        "2024-03-31", "--kind", "direct", "--sort", "-date")
    grouped = client.get("/api/search", params={"q": "reopen harbour fishing", "group": "1"})
    assert grouped.json() == cli_json("search", "reopen harbour fishing", "--group")
    assert [h["sources"] for h in grouped.json()] == [3]
    assert grouped.headers["x-total-count"] == "1"
    every = client.get("/api/search", params={"limit": "0"})
    assert len(every.json()) == int(every.headers["x-total-count"]) > 20
    assert len(client.get("/api/search").json()) == 20  # as `quotesearch search`


def test_api_speakers_sources_statement_trace_are_the_cli_json(client, cli_json):
    assert client.get("/api/speakers", params={"speaker": "silva"}).json() == cli_json("speakers", "--speaker", "silva")
    assert client.get("/api/speakers").json() == cli_json("speakers")
    assert client.get("/api/sources/reuters-harbour").json() == cli_json("source", "reuters-harbour")
    assert client.get("/api/sources").json() == cli_json("sources")
    assert client.get("/api/statements/reuters-harbour:121").json() == cli_json("show", "reuters-harbour:121")
    trace = client.get("/api/trace", params={"q": "reuters-harbour:121"}).json()
    assert trace == cli_json("trace", "reuters-harbour:121")
    assert [(t["outlet"], t["same_wording"]) for t in trace] == [
        ("Reuters", True), ("The Herald", False), ("Gazette", True)]


@pytest.mark.parametrize("path, params, args, status", [
    ("/api/search", {"q": '"troops'}, ("search", '"troops'), 400),
    ("/api/search", {"since": "2024-13"}, ("search", "--since", "2024-13"), 400),
    ("/api/search", {"since": "2025", "until": "2024"}, ("search", "--since", "2025", "--until", "2024"), 400),
    ("/api/search", {"kind": "shouted"}, None, 400),
    ("/api/statements/nowhere:12", {}, ("show", "nowhere:12"), 404),
    ("/api/sources/nowhere", {}, ("source", "nowhere"), 404),
    ("/api/trace", {"q": "nowhere:12"}, ("trace", "nowhere:12"), 404),
])
def test_api_errors_are_the_cli_error_line(client, cli, path, params, args, status):
    r = client.get(path, params=params)
    assert r.status_code == status
    assert set(r.json()) == {"error"}
    if args:
        result = cli(*args)
        assert result.exit_code in (1, 2)
        assert result.stderr.strip().splitlines()[-1] == "Error: " + r.json()["error"]
    else:
        assert r.json()["error"] == "--kind 'shouted' is not one of direct, indirect, mixed"


def test_api_limit_must_be_a_whole_number(client):
    r = client.get("/api/search", params={"limit": "-1"})
    assert (r.status_code, r.json()) == (400, {"error": "limit '-1' is not a whole number of 0 or more"})


def test_export_is_what_the_cli_exports(client, cli):
    for fmt in ("csv", "jsonl"):
        r = client.get("/export", params={"q": "harbour", "speaker": "silva", "format": fmt, "page": "2"})
        assert r.status_code == 200
        assert r.headers["content-disposition"] == f'attachment; filename="quotesearch.{fmt}"'
        expected = cli("export", "harbour", "--speaker", "silva", "--format", fmt)
        assert expected.exit_code == 0
        assert r.text == expected.stdout
    rows = list(csv.DictReader(io.StringIO(client.get("/export", params={"q": "harbour reopen", "format": "csv"}).text)))
    assert len(rows) == 4 and {r["speaker"] for r in rows} == {"Ana Silva", "officials"}
    lines = client.get("/export", params={"format": "jsonl", "sort": "date", "speaker": "silva"}).text.splitlines()
    assert [json.loads(line)["date"] for line in lines] == ["2024-03-01", "2024-03-01", "2024-03-02", "2024-03-05"]


def test_export_of_everything_streams_every_statement(client, web_index):
    import quotesearch as qs

    with qs.Index(web_index) as ix:
        total = ix.search("", limit=1).total
    assert len(client.get("/export", params={"format": "jsonl"}).text.splitlines()) == total
    assert len(client.get("/export", params={"format": "csv"}).text.splitlines()) == total + 1  # the header


def test_export_bad_format_or_query_is_an_error_page(client, cli):
    r = client.get("/export", params={"format": "xml"})
    assert r.status_code == 400 and error_line(r.text) == "Error: --format 'xml' is not one of csv, jsonl"
    r = client.get("/export", params={"format": "csv", "q": "speaker:"})
    assert r.status_code == 400 and error_line(r.text) == cli("export", "speaker:").stderr.strip()


def test_the_app_is_read_only(client):
    for path in ("/", "/api/search", "/export", "/sources/reuters-harbour"):
        assert client.post(path, data={"q": "x"}).status_code == 405
        assert client.delete(path).status_code == 405
