"""Helpers of the web tests (a module of its own: `conftest` is the name of two modules)."""
from __future__ import annotations


def error_line(page: str) -> str:
    """The one error line of a page, as the user reads it."""
    import html
    import re

    found = re.findall(r'<p class="error" role="alert">(.*?)</p>', page, re.S)
    assert len(found) == 1, page
    assert "Traceback" not in page
    return html.unescape(found[0])


VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class Element(dict):
    """An element of a page: its attributes (as a dict), ``tag``, ``text`` (all the text inside)."""

    tag = ""
    text = ""

    @property
    def classes(self) -> list[str]:
        return (self.get("class") or "").split()


def elements(page: str, tag: str, cls: str = None) -> list[Element]:
    """Every ``tag`` element of ``page`` (having class ``cls``), in document order, with the
    text inside it (entities decoded): the page as a browser would read it."""
    from html.parser import HTMLParser

    found: list[Element] = []
    open_: list[Element] = []

    class Parser(HTMLParser):
        def handle_starttag(self, name, attrs):
            el = Element((k, v or "") for k, v in attrs)
            el.tag = name
            if name not in VOID:
                open_.append(el)
            if name == tag and (cls is None or cls in el.classes):
                found.append(el)

        def handle_endtag(self, name):
            while open_:
                if open_.pop().tag == name:
                    break

        def handle_data(self, data):
            for el in open_:
                el.text += data

    parser = Parser(convert_charrefs=True)
    parser.feed(page)
    parser.close()
    return found
