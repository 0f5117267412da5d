"""`quotesearch serve`: a thin command; instant help; one line when the extra or the port is missing;
127.0.0.1 unless told, and a warning when told otherwise; pages served for real over HTTP."""
from __future__ import annotations

import signal
import socket
import subprocess
import sys
import urllib.error
import urllib.request

from click.testing import CliRunner

from quotesearch.cli import main


def test_cli_import_and_help_load_no_web_framework():
    code = ("import sys; from quotesearch.cli import main\n"
            "try:\n    main(['serve', '--help'])\nexcept SystemExit:\n    pass\n"
            "print(sorted(m for m in ('starlette', 'jinja2', 'uvicorn', 'whoosh') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.splitlines()[-1] == "[]"
    words = " ".join(out.split())
    assert "--host TEXT" in words and "[default: 127.0.0.1]" in words and "[default: 8000;" in words


def test_serve_without_the_web_extra_says_how_to_get_it(monkeypatch, tmp_path):
    for name in [m for m in sys.modules if m.startswith(("quotesearch.web.", "starlette.", "jinja2.", "uvicorn."))]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, "starlette", None)  # import starlette raises ModuleNotFoundError
    with socket.socket() as taken:  # were the extra found after all, serving would stop at once
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        result = CliRunner().invoke(main, ["serve", "--index", str(tmp_path), "--port", str(taken.getsockname()[1])])
    assert result.exit_code == 1
    assert result.stderr == "Error: the web interface needs its extra: pip install 'quotesearch[web]'\n"


def test_serve_on_a_port_in_use_is_one_line(web_index):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        result = CliRunner().invoke(main, ["serve", "--index", str(web_index), "--port", str(port)])
    assert result.exit_code == 1
    assert result.stderr == (f"Error: cannot listen on 127.0.0.1:{port}: Address already in use; "
                             "try another --port\n")


def serve(*args):
    """Start `quotesearch serve` in a process; returns (process, the lines it printed before serving)."""
    proc = subprocess.Popen([sys.executable, "-m", "quotesearch", "serve", "--port", "0", *args],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    lines = []
    for line in proc.stderr:
        lines.append(line.rstrip("\n"))
        if line.startswith("Serving") or line.startswith("Error"):
            break
    return proc, lines


def stop(proc) -> int:
    proc.send_signal(signal.SIGINT)
    try:
        return proc.wait(timeout=30)
    finally:
        proc.stderr.close()
        proc.stdout.close()


def get(url: str, host: str = None) -> tuple[int, str]:
    request = urllib.request.Request(url, headers={"Host": host} if host else {})
    try:
        with urllib.request.urlopen(request, timeout=30) as r:
            return r.status, r.read().decode("utf-8")
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode("utf-8")


def test_serve_binds_127_0_0_1_and_serves_pages(web_index):
    proc, lines = serve("--index", str(web_index))
    try:
        assert len(lines) == 1 and lines[0].startswith(f"Serving the index at {web_index} on http://127.0.0.1:")
        url = lines[0].split(" on ")[1].split(" ")[0]
        status, page = get(url + "?q=reopen+harbour")
        assert status == 200 and "<strong>4</strong> statements" in page
        status, body = get(url + "api/statements/reuters-harbour:121")
        assert status == 200 and '"id": "reuters-harbour:121"' in body
        assert get(url, host="attacker.example")[0] == 400  # another name for this address: refused
    finally:
        assert stop(proc) in (0, -signal.SIGINT, 128 + signal.SIGINT)


def test_serve_elsewhere_warns_and_a_missing_index_is_said_at_start_and_on_pages(tmp_path):
    missing = tmp_path / "none"
    proc, lines = serve("--index", str(missing), "--host", "0.0.0.0")
    try:
        assert lines[:2] == [
            f"warning: no index at {missing} (given by --index); build one with `quotesearch index --index {missing} PATH…`",
            "warning: listening on 0.0.0.0, not 127.0.0.1: anyone who can reach this machine on port 0 can read the index"]
        port = lines[2].split(":")[-1].split("/")[0]
        status, page = get(f"http://127.0.0.1:{port}/")
        assert status == 503 and "Error: no index at" in page and "Traceback" not in page
    finally:
        stop(proc)


def test_requests_at_once_each_get_their_own_answer(base_url):
    """Requests served at once (uvicorn's thread pool) each read an Index of their own: every answer is
    the one a request alone gets."""
    import json
    from concurrent.futures import ThreadPoolExecutor

    paths = ["/api/search?q=reopen+harbour", "/api/sources/kursk-incursion", "/api/trace?q=reuters-harbour:121",
             "/api/speakers?speaker=silva", "/?q=troops", "/sources/kursk-incursion", "/speakers/ana%20silva",
             "/export?format=jsonl"] * 6
    alone = {p: get(base_url + p) for p in set(paths)}
    with ThreadPoolExecutor(max_workers=8) as pool:
        together = list(pool.map(lambda p: get(base_url + p), paths))
    assert together == [alone[p] for p in paths]
    assert all(status == 200 for status, _ in together)
    assert len(json.loads(alone["/api/sources/kursk-incursion"][1])) > 10
