"""The web interface over a postgresql:// index: the URL's password is never on a page nor in what
`serve` prints, and a server that cannot be reached is 503 (the index is unavailable), one line."""
from __future__ import annotations

import json
import socket
from pathlib import Path

import pytest

from quotesearch.store import shown_location

from .conftest import make_client
from .test_serve import serve, stop
from .web_helpers import error_line

pytest.importorskip("psycopg", reason="the postgres extra is not installed: pip install '.[postgres]'")

SEEDS = Path(__file__).resolve().parents[2] / "seeds"


def with_password(url: str) -> str:
    """``url`` with the password s3cret (the test cluster trusts 127.0.0.1: it is not checked)."""
    if "@" not in url.split("//", 1)[1].split("/", 1)[0]:
        pytest.skip("QUOTESEARCH_TEST_POSTGRES names no user to give a password to")
    head, rest = url.split("@", 1)
    if head.count(":") > 1:  # a password already: keep it, and check that one is never shown
        return url
    return f"{head}:s3cret@{rest}"


def password_of(url: str) -> str:
    return url.split("//", 1)[1].split("@", 1)[0].split(":", 1)[1]


def test_no_page_and_no_line_of_serve_shows_the_password(pg_schema_url):
    import quotesearch as qs
    from quotesearch.web.app import create_app

    url = with_password(pg_schema_url)
    secret = password_of(url)
    with qs.Index(url) as ix:
        assert ix.add([str(SEEDS)], jobs=1).files == 1
    with make_client(create_app(url)) as client:
        home = client.get("/?q=border")
        assert home.status_code == 200 and f"Index {shown_location(url)} ·" in home.text
        nobody = client.get("/speakers/nobody%20at%20all")
        assert nobody.status_code == 404
        assert error_line(nobody.text) == (f"Error: no speaker 'nobody at all' in the index at {shown_location(url)}; "
                                           "see the speakers at /speakers")
        for page in (home, nobody, client.get("/sources/kursk-incursion"), client.get("/trace?q=nosuch:1"),
                     client.get("/api/sources/nosuch"), client.get("/speakers")):
            assert secret not in page.text
    proc, lines = serve("--index", url)
    try:
        assert len(lines) == 1 and lines[0].startswith(f"Serving the index at {shown_location(url)} on http://")
        assert secret not in lines[0]
    finally:
        stop(proc)


def test_a_server_that_cannot_be_reached_is_503_and_one_line():
    from quotesearch.web.app import create_app

    with socket.socket() as s:  # a port nothing listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    url = f"postgresql://me:s3cret@127.0.0.1:{port}/news"
    line = f"cannot connect to postgresql://me@127.0.0.1:{port}/news: "
    with make_client(create_app(url)) as client:
        page = client.get("/?q=troops")
        assert page.status_code == 503
        assert error_line(page.text).startswith("Error: " + line) and "s3cret" not in page.text
        api = client.get("/api/search?q=troops")
        assert api.status_code == 503 and json.loads(api.text)["error"].startswith(line)
