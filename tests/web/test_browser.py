"""The web interface in a real headless Chromium (Debian's chromium and chromium-driver, driven by
Selenium with both paths given: Selenium Manager never downloads anything), served by uvicorn in a
thread on 127.0.0.1 and a free port.

Skipped, with the reason, when chromium, chromedriver or selenium is absent; failed instead when the
environment variable CI is set. With QS_SCREENSHOTS=DIR the four pages are saved there as PNG
(docs/screenshots/ in the README)."""
from __future__ import annotations

import json
import os

import urllib.request
from pathlib import Path

import pytest

from .conftest import needs_news

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
WIDTH = 1200


def browser_or_skip() -> None:
    missing = [p for p in (CHROMIUM, CHROMEDRIVER) if not os.access(p, os.X_OK)]
    try:
        import selenium  # noqa: F401
    except ImportError:
        missing.append("selenium (pip install '.[test]')")
    if missing:
        reason = f"browser tests need {', '.join(missing)} (as root: apt-get install chromium chromium-driver)"
        if os.environ.get("CI"):
            pytest.fail(reason + "; CI is set, so this is a failure")
        pytest.skip(reason)


@pytest.fixture(scope="module")
def browser():
    browser_or_skip()
    from selenium import webdriver
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service

    saved = os.environ.get("SE_OFFLINE")
    os.environ["SE_OFFLINE"] = "true"  # Selenium Manager, if ever asked, may not download
    options = Options()
    options.binary_location = CHROMIUM
    for arg in ("--headless=new", "--disable-dev-shm-usage", f"--window-size={WIDTH},900", "--no-first-run",
                "--disable-extensions", "--disable-background-networking", "--disable-sync",
                "--disable-component-update", "--disable-default-apps", "--hide-scrollbars"):
        options.add_argument(arg)
    if os.geteuid() == 0:
        options.add_argument("--no-sandbox")  # Chromium refuses to run as root with its sandbox
    driver = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(60)
    try:
        yield driver
    finally:
        driver.quit()
        if saved is None:
            os.environ.pop("SE_OFFLINE", None)
        else:
            os.environ["SE_OFFLINE"] = saved


def api(base_url: str, path: str):
    with urllib.request.urlopen(base_url + path, timeout=30) as r:
        return json.loads(r.read().decode("utf-8"))


def screenshot(driver, name: str, height: int = 900) -> None:
    folder = os.environ.get("QS_SCREENSHOTS")
    if not folder:
        return
    Path(folder).mkdir(parents=True, exist_ok=True)
    driver.set_window_size(WIDTH, height)
    driver.save_screenshot(str(Path(folder) / f"{name}.png"))
    driver.set_window_size(WIDTH, 900)


def css(driver, selector: str):
    from selenium.webdriver.common.by import By

    return driver.find_elements(By.CSS_SELECTOR, selector)


def text_of(element) -> str:
    return element.get_attribute("textContent")


def submit(driver, element, *keys) -> None:
    """Type ``keys`` into ``element`` and wait for the next page."""
    from selenium.webdriver.support import expected_conditions
    from selenium.webdriver.support.ui import WebDriverWait

    page = css(driver, "html")[0]
    element.send_keys(*keys)
    WebDriverWait(driver, 30).until(expected_conditions.staleness_of(page))
    WebDriverWait(driver, 30).until(lambda d: d.execute_script("return document.readyState") == "complete")


def click(driver, element) -> None:
    """Click a link to another page and wait for it."""
    from selenium.webdriver.support import expected_conditions
    from selenium.webdriver.support.ui import WebDriverWait

    page = css(driver, "html")[0]
    element.click()
    WebDriverWait(driver, 30).until(expected_conditions.staleness_of(page))


def ids_shown(driver) -> list[str]:
    return [li.get_attribute("data-id") for li in css(driver, "li.hit")]


def test_search_type_a_query_then_filter_by_speaker(browser, base_url):
    from selenium.webdriver.common.keys import Keys

    browser.get(base_url + "/")
    box = css(browser, "#q")[0]
    submit(browser, box, "reopen harbour", Keys.ENTER)
    assert browser.current_url == base_url + "/?q=reopen+harbour"  # blank fields left out: an address to share
    hits = api(base_url, "/api/search?q=reopen+harbour")
    assert ids_shown(browser) == [h["id"] for h in hits]
    assert " ".join(text_of(css(browser, "#total")[0]).split()) == "1–4 of 4 statements"
    assert [text_of(m) for m in css(browser, "li.hit mark")] == [
        h["text"][s:e] for h in hits for s, e in h["highlights"]]
    speaker = css(browser, "#speaker")[0]
    submit(browser, speaker, "silva", Keys.ENTER)
    assert browser.current_url == base_url + "/?q=reopen+harbour&speaker=silva"
    assert ids_shown(browser) == [h["id"] for h in api(base_url, "/api/search?q=reopen+harbour&speaker=silva")]
    assert len(ids_shown(browser)) == 3
    assert css(browser, "#q")[0].get_attribute("value") == "reopen harbour"  # the form keeps the search


@needs_news
@pytest.mark.corpus
def test_search_over_the_news_sample_by_date(browser, base_url):
    browser.get(base_url + "/?q=police&sort=-date")
    hits = api(base_url, "/api/search?q=police&sort=-date")
    assert ids_shown(browser) == [h["id"] for h in hits]
    assert [text_of(t) for t in css(browser, "li.hit time")] == [h["date"][:10] for h in hits]
    screenshot(browser, "search", 900)


def test_open_a_speaker_page_from_a_result(browser, base_url):
    browser.get(base_url + "/?q=reopen+harbour&speaker=silva")
    click(browser, css(browser, "li.hit a.speaker")[0])
    assert browser.current_url == base_url + "/speakers/ana%20silva"
    assert text_of(css(browser, "h1")[0]) == "Ana Silva"
    assert text_of(css(browser, "#count")[0]) == "4"
    bars = css(browser, "svg#timeline rect.bar")
    assert [text_of(b) for b in bars] == ["2024-03: 4"]
    assert bars[0].size["height"] > 0 and bars[0].size["width"] > 0  # drawn, not just in the markup


@needs_news
@pytest.mark.corpus
def test_speaker_page_of_a_speaker_across_articles(browser, base_url):
    browser.get(base_url + "/speakers/trump")
    assert text_of(css(browser, "h1")[0]) == "Donald Trump"
    statements = api(base_url, "/api/search?speaker=donald+trump&limit=0")
    assert len(css(browser, "li.hit")) == len(statements)
    assert sum(int(float(b.get_attribute("height")) > 0) for b in css(browser, "svg#timeline rect.bar")) == len(
        {s["date"][:7] for s in statements if s["date"]})
    screenshot(browser, "speaker", 900)


def article_marks(driver) -> dict:
    parts: dict = {}
    for a in css(driver, "article a.st"):
        for statement_id, k in json.loads(a.get_attribute("data-spans")):
            parts.setdefault(statement_id, {}).setdefault(k, []).append(text_of(a))
    return {sid: " … ".join(" ".join("".join(p).split()) for _, p in sorted(spans.items()))
            for sid, spans in parts.items()}


@pytest.mark.parametrize("source", ["kursk-incursion", "reuters-harbour", "markup-test"])
def test_article_highlights_are_exactly_the_statements(browser, base_url, source):
    browser.get(f"{base_url}/sources/{source}")
    statements = api(base_url, f"/api/sources/{source}")
    assert article_marks(browser) == {s["id"]: s["text"] for s in statements}
    assert [text_of(w) for w in css(browser, "article span.who")] == [s["speaker"] for s in statements]
    if source == "kursk-incursion":
        screenshot(browser, "article", 900)
    if source == "markup-test":  # the quotes' markup is text: no element was made from it
        assert not css(browser, "article script, article img, article b, article textarea")
        assert browser.title == "Council <b>row</b> over <img src=x onerror=alert(3)> web page · quotesearch"


def test_click_a_statement_to_see_its_record(browser, base_url):
    browser.get(base_url + "/sources/reuters-harbour")
    marks = css(browser, "article a.st")
    marks[-1].click()
    assert browser.current_url.endswith("#s2")
    record = css(browser, "section.record:target")
    assert [r.get_attribute("data-id") for r in record] == ["reuters-harbour:242"]
    assert "Silva said" not in text_of(record[0]) and "the repairs had cost less than expected" in text_of(record[0])


def test_follow_a_trace_from_a_search(browser, base_url):
    browser.get(base_url + "/?q=all+fishing+boats")
    click(browser, css(browser, "li.hit a.trace")[0])
    assert "/trace?q=herald-harbour%3A102" in browser.current_url
    rows = css(browser, "li.appearance")
    assert [r.get_attribute("data-id") for r in rows] == ["reuters-harbour:121", "herald-harbour:102",
                                                         "gazette-harbour:29"]
    assert [text_of(i) for i in css(browser, "li.appearance ins")] == ["all"]
    assert len(css(browser, "svg#trace-timeline circle.dot")) == 3
    screenshot(browser, "trace", 760)
    click(browser, css(browser, "li.appearance a.article")[2])
    assert browser.current_url == base_url + "/sources/gazette-harbour#st-gazette-harbour:29"


def test_a_bad_query_shows_one_error_line(browser, base_url, cli):
    browser.get(base_url + "/?q=%22troops")
    errors = css(browser, "p.error")
    assert [text_of(e) for e in errors] == [cli("search", '"troops').stderr.strip()]
    assert "Traceback" not in browser.page_source
