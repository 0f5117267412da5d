"""The web interface's fixtures: an index built by the real extractor from the seed, the news sample
(when ../shared/corpora is there) and tests/web/fixtures/wire (three wire copies of one quote in three
outlets, and an article whose quotes and metadata hold HTML), a TestClient over it, and the
command line's JSON for the same requests."""
from __future__ import annotations

import json
import threading
import time
import warnings
from pathlib import Path

import pytest
from click.testing import CliRunner

pytest.importorskip("starlette", reason="the web extra is not installed: pip install '.[web]'")
pytest.importorskip("jinja2", reason="the web extra is not installed: pip install '.[web]'")
pytest.importorskip("httpx", reason="the test extra is not installed: pip install '.[test]'")

ROOT = Path(__file__).resolve().parents[2]
SEEDS = ROOT / "seeds"
WIRE = Path(__file__).resolve().parent / "fixtures" / "wire"
NEWS = Path(__file__).resolve().parents[3] / "shared" / "corpora" / "news-sample"

needs_news = pytest.mark.skipif(not (NEWS / "text").is_dir(), reason=f"{NEWS} is absent")


@pytest.fixture(scope="session")
def web_index(tmp_path_factory) -> Path:
    """The index every web test reads (never written by them)."""
    import quotesearch as qs

    path = tmp_path_factory.mktemp("web") / "idx"
    inputs = [str(SEEDS), str(WIRE)] + ([str(NEWS / "text")] if (NEWS / "text").is_dir() else [])
    with qs.Index(path) as ix:
        summary = ix.add(inputs, jobs=1)
    assert summary.errors == [] and summary.files >= 5
    return path


def make_client(app):
    with warnings.catch_warnings():  # Starlette 1.x prefers httpx2 (Python 3.11+); httpx works everywhere
        warnings.simplefilter("ignore")
        from starlette.testclient import TestClient

        return TestClient(app)


@pytest.fixture(scope="session")
def client(web_index):
    from quotesearch.web.app import create_app

    with make_client(create_app(str(web_index))) as c:
        yield c


@pytest.fixture(scope="session")
def cli(web_index):
    """cli('search', 'troops') -> the click Result of the command line on the same index."""
    from quotesearch.cli import main

    runner = CliRunner()

    def invoke(*args):
        return runner.invoke(main, [*map(str, args), "--index", str(web_index)], catch_exceptions=False,
                             env={"COLUMNS": "100"})

    return invoke


@pytest.fixture(scope="session")
def cli_json(cli):
    def run(*args):
        result = cli(*args, "--format", "json")
        assert result.exit_code == 0, result.output
        return json.loads(result.stdout)

    return run



@pytest.fixture(scope="session")
def base_url(web_index):
    """The app over the test index, served by uvicorn in a thread."""
    from quotesearch.web.app import create_app
    from quotesearch.web.server import LOOPBACK_NAMES, listen, server, url_of

    sock = listen("127.0.0.1", 0)
    srv = server(create_app(str(web_index), allowed_hosts=LOOPBACK_NAMES))
    thread = threading.Thread(target=srv.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not srv.started and thread.is_alive() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert srv.started, "uvicorn did not start"
    yield url_of(sock).rstrip("/")
    srv.should_exit = True
    thread.join(timeout=30)
    sock.close()
