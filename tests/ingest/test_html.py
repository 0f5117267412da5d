"""Reading saved web pages through trafilatura (the optional html extra)."""
import sys
from pathlib import Path

import pytest

from quotesearch.extraction.pipeline import extract
from quotesearch.ingest.html import read_html
from quotesearch.ingest.read import HTML_SUFFIXES
from quotesearch.ingest.read import ReadError, decode_with_encoding

PAGES = Path(__file__).parents[1] / "fixtures" / "html"
NEWS = PAGES / "council-vote.html"


@pytest.fixture
def trafilatura():
    """Skip when the html extra is missing (trafilatura, or lxml_html_clean that it imports)."""
    try:
        import trafilatura
    except ImportError as e:
        pytest.skip(f"the html extra is not installed: {e}")
    return trafilatura


needs_trafilatura = pytest.mark.usefixtures("trafilatura")

BOILERPLATE = [
    "Local News", "Weather Forecast",  # nav menu
    "We use cookies", "Accept all", "Manage preferences",  # cookie banner
    "Jane Smith", "Staff Writer",  # byline
    "Share on", "Email this story",  # share buttons
    "Related stories", "Pension costs squeeze", "School board approves",  # related links
    "Subscribe to our newsletter", "All rights reserved", "©", "Privacy policy", "About us",  # footer
]


def paragraphs(article):
    return [article.text[s:e] for s, e in article.paragraphs]


def test_suffixes():
    assert HTML_SUFFIXES == (".html", ".htm")


@needs_trafilatura
def test_news_page_metadata():
    a = read_html(NEWS)
    assert a.id == "council-vote"
    assert a.path == str(NEWS)
    assert a.title == "Council members vow to fight budget cuts"
    assert a.date == "2024-03-05"
    assert a.outlet == "The Riverside Ledger"
    assert a.url == "https://www.riversideledger.com/news/2024/council-budget-cuts"
    assert a.encoding == "utf-8"


@needs_trafilatura
def test_news_page_text_has_no_boilerplate():
    a = read_html(NEWS)
    for s in BOILERPLATE:
        assert s not in a.text, s


@needs_trafilatura
def test_news_page_paragraphs():
    a = read_html(NEWS)
    paras = paragraphs(a)
    assert paras == [
        "Council members vow to fight budget cuts",
        "Members of the Riverside city council on Monday pledged to oppose the mayor's plan to cut library "
        "funding by a fifth, setting up a confrontation over the city's budget before the end of the month.",
        "“We will not back down,” said Maria Lopez, a city council member. “These libraries are where our "
        "children learn to read, and we are not going to close them to balance the books.”",
        "The proposal would shorten opening hours at six branches and close two of them on weekends. The mayor's "
        "office says the cuts are needed to cover rising pension costs, which have grown by nearly 12 percent "
        "since last year.",
        "Lopez said the council would vote next week.",
        "Residents packed the council chamber for more than three hours of public comment, many of them parents "
        "who brought their children along. Several speakers held up library cards as they addressed the council.",
        "A spokesman for the mayor did not respond to a request for comment on Monday evening.",
    ]
    assert a.text == "\n\n".join(paras)  # blank lines between paragraphs, nothing else
    assert a.text.startswith(a.title + "\n\n")


@needs_trafilatura
def test_news_page_quotes():
    a = read_html(NEWS)
    statements = extract(a)
    lopez = [(s.kind, s.text) for s in statements if s.speaker == "Maria Lopez"]
    assert lopez == [
        ("direct", "We will not back down"),
        ("direct", "These libraries are where our children learn to read, and we are not going to close them "
                   "to balance the books."),
        ("indirect", "the council would vote next week"),
    ]
    for s in statements:  # every span slices the article text to the quote
        assert " ".join(a.text[start:end] for start, end in s.spans) == s.text
    assert all(s.title == a.title and s.date == "2024-03-05" and s.outlet == "The Riverside Ledger"
               for s in statements)


@needs_trafilatura
def test_outlet_from_the_url_without_site_name(tmp_path):
    page = NEWS.read_text(encoding="utf-8").replace('<meta property="og:site_name" content="The Riverside Ledger">', "")
    path = tmp_path / "no-site-name.htm"
    path.write_text(page.replace(" | The Riverside Ledger", ""), encoding="utf-8")
    a = read_html(path)
    assert a.id == "no-site-name"
    assert a.outlet == "riversideledger.com"
    assert a.url == "https://www.riversideledger.com/news/2024/council-budget-cuts"


@needs_trafilatura
def test_page_without_date_gets_none():
    # its footer says "© 2023": a guessing date search would make that 2023-01-01
    a = read_html(PAGES / "no-date.html")
    assert a.date is None
    assert a.url is None and a.outlet is None
    assert a.title == "Harbour ferry service to resume after repairs"
    assert "Subscribe" not in a.text and "2023" not in a.text
    assert [s.speaker for s in extract(a) if "long winter" in s.text] == ["Tom Becker"]


@needs_trafilatura
def test_cp1252_page():
    path = PAGES / "cafe-cp1252.html"
    with pytest.raises(UnicodeDecodeError):
        path.read_bytes().decode("utf-8")
    a = read_html(path)
    assert a.encoding == "cp1252"
    assert a.title == "Mayor opens new café on market square"
    assert "“This square has waited a long time for a place like this,” said René Dubois, the mayor." in a.text
    assert "\ufffd" not in a.text
    assert any(s.speaker == "René Dubois" for s in extract(a))


@needs_trafilatura
def test_declared_charset_beats_a_cp1252_guess():
    path = PAGES / "park-cp1251.html"
    assert decode_with_encoding(path.read_bytes())[1] == "cp1252"  # markup-heavy: the guess reads mojibake
    a = read_html(path)
    assert a.encoding == "cp1251"
    assert a.title == "Мэр открыл новый парк"
    assert "«Это подарок для всех жителей города», — сказал мэр Иван Петров." in paragraphs(a)


@needs_trafilatura
def test_page_without_article_text():
    path = PAGES / "empty.html"
    with pytest.raises(ReadError) as e:
        read_html(path)
    assert str(e.value) == f"{path}: no article text found in this web page"


@needs_trafilatura
def test_page_that_is_not_text(tmp_path):
    path = tmp_path / "broken.html"
    path.write_bytes(b"<html>\x00\x01\x02\x03" * 100)
    with pytest.raises(ReadError, match="binary"):
        read_html(path)


def test_missing_extra(monkeypatch):
    monkeypatch.setitem(sys.modules, "trafilatura", None)  # import trafilatura -> ImportError
    with pytest.raises(ReadError) as e:
        read_html(NEWS)
    message = str(e.value)
    assert message == f"{NEWS}: reading web pages needs the html extra: pip install 'quotesearch[html]'"
    assert "\n" not in message


@needs_trafilatura
def test_missing_lxml_html_clean(monkeypatch):
    # trafilatura 2.x imports justext, which imports lxml.html.clean: a separate package
    # (lxml_html_clean) since lxml 5.2
    for name in [n for n in sys.modules if n.split(".")[0] in ("trafilatura", "justext")]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, "lxml.html.clean", None)
    with pytest.raises(ReadError) as e:
        read_html(NEWS)
    assert str(e.value) == (f"{NEWS}: reading web pages needs the html extra (lxml_html_clean is missing): "
                            "pip install 'quotesearch[html]'")
