"""Reading archives (JSON Lines, JSON, CSV; gzip and bzip2) into Article and Skipped records."""
from __future__ import annotations

import bz2
import gzip
import io
import json
from pathlib import Path

import pytest

from quotesearch.ingest.archive import is_archive, read_archive
from quotesearch.ingest.read import ReadError
from quotesearch.models import Article, Skipped

FIX = Path(__file__).parents[1] / "fixtures" / "archives"
NEWSPLEASE = FIX / "newsplease.jsonl"
NO_TEXT = "no text (looked for text, maintext, body, content, raw_text)"


def articles(items):
    return [i for i in items if isinstance(i, Article)]


def skipped(items):
    return [(s.name, s.message) for s in items if isinstance(s, Skipped)]


def summary(items):
    """What a record gives, without the file name."""
    out = []
    for i in items:
        if isinstance(i, Article):
            out.append((i.id, i.path.rsplit("#", 1)[1], i.title, i.date, i.url, i.outlet, i.encoding, i.text))
        else:
            out.append((i.name.rsplit(" record ", 1)[1], i.message))
    return out


@pytest.mark.parametrize("name, expected", [
    ("news.jsonl", True), ("news.JSONL.gz", True), ("a/b/news.ndjson.bz2", True), ("export.csv", True),
    ("list.json", True), ("LIST.JSON.GZ", True), ("a.txt", False), ("a.txt.gz", False), ("news.jsonl.zip", False),
    ("jsonl", False), ("-", False),
])
def test_is_archive(name, expected):
    assert is_archive(name) is expected
    assert is_archive(Path(name)) is expected


def test_newsplease_jsonl():
    items = list(read_archive(NEWSPLEASE))
    # skipped records come after the articles (counted by kind, see test_repeated_skips_are_one_line)
    assert [type(i).__name__ for i in items] == ["Article", "Article", "Article", "Article", "Skipped", "Skipped"]
    a1, a2, a5, a6 = articles(items)
    # ids: derived from the URL (host without www., sha1), the record's own id, the file and record number
    assert [a.id for a in (a1, a2, a5, a6)] == [
        "rivertonherald.com-77425455a7b4", "calloway-tribune.com-0fe848ad9eac", "hx-2019-0309", "newsplease-6"]
    assert [a.path for a in (a1, a2, a5, a6)] == [f"{NEWSPLEASE}#{n}" for n in (1, 2, 5, 6)]
    assert [a.title for a in (a1, a2, a5, a6)] == [
        "Council votes to keep shelter open", "Port workers end strike after three days",
        "Schools to add later start times", "Neighbors rally against quarry plan"]
    # "None" (news-please's missing date) is None; "null" is passed over for the next date field
    assert [a.date for a in (a1, a2, a5, a6)] == [
        "2019-03-05T18:45:00", None, "2019-03-09T14:05:00+00:00", "2019-03-10"]
    assert [a.url for a in (a1, a2, a5, a6)] == [
        "https://www.rivertonherald.com/2019/03/05/shelter-vote.html",
        "http://www.calloway-tribune.com/news/port-strike-ends", None, None]
    # source_domain; the URL's host when there is none; publication; nothing at all
    assert [a.outlet for a in (a1, a2, a5, a6)] == [
        "rivertonherald.com", "calloway-tribune.com", "Hartwell Weekly", None]
    assert {a.encoding for a in (a1, a2, a5, a6)} == {"utf-8"}
    assert skipped(items) == [
        (f"{NEWSPLEASE} record 3", NO_TEXT),
        (f"{NEWSPLEASE} record 4", "not valid JSON (Unterminated string starting at: column 40)"),
    ]


def test_title_is_the_first_paragraph():
    found = articles(read_archive(NEWSPLEASE)) + articles(read_archive(FIX / "export.csv")) \
        + articles(read_archive(FIX / "list.json"))
    assert len(found) == 7
    for a in found:
        s, e = a.paragraphs[0]
        assert a.text[s:e] == a.title
    a1, a2 = found[:2]
    assert a1.text.startswith("Council votes to keep shelter open\n\nThe Riverton city council voted 7-2")
    # the body already starts with the title: not put twice
    assert a2.text.startswith("Port workers end strike after three days\n\nDock workers")
    assert a2.text.count("Port workers end strike") == 1
    assert "“We will not back down,” said Maria Lopez, a city council member" in a1.text


@pytest.mark.parametrize("suffix, compress", [(".gz", gzip.compress), (".bz2", bz2.compress)])
def test_compressed_equals_plain(tmp_path, suffix, compress):
    packed = tmp_path / ("newsplease.jsonl" + suffix)
    packed.write_bytes(compress(NEWSPLEASE.read_bytes()))
    items = list(read_archive(packed))
    assert summary(items) == summary(read_archive(NEWSPLEASE))
    assert len(items) == 6
    assert articles(items)[3].id == "newsplease-6"  # the stem without .jsonl.gz
    assert articles(items)[0].path == f"{packed}#1"
    assert skipped(items)[0] == (f"{packed} record 3", NO_TEXT)


def test_stdin():
    items = list(read_archive("-", stream=io.BytesIO(NEWSPLEASE.read_bytes())))
    assert summary(items)[:3] == summary(read_archive(NEWSPLEASE))[:3]
    assert [a.path for a in articles(items)] == ["<stdin>#1", "<stdin>#2", "<stdin>#5", "<stdin>#6"]
    assert articles(items)[3].id == "stdin-6"
    assert skipped(items)[0] == ("<stdin> record 3", NO_TEXT)


def test_jsonl_is_read_a_chunk_at_a_time():
    from quotesearch.ingest.archive import CHUNK

    data = NEWSPLEASE.read_bytes() * (3 * CHUNK // len(NEWSPLEASE.read_bytes()))
    stream = io.BytesIO(data)
    records = read_archive("-", stream=stream)
    first = next(records)
    assert first.id == "rivertonherald.com-77425455a7b4"
    assert stream.tell() <= CHUNK < len(data) // 2


def test_csv_cp1252():
    path = FIX / "export.csv"
    items = list(read_archive(path))
    assert [type(i).__name__ for i in items] == ["Article", "Article", "Skipped"]
    a1, a3 = articles(items)
    assert (a1.id, a1.path, a1.title, a1.date, a1.url, a1.outlet, a1.encoding) == (
        "marlowcourier.com-e0ff650f1024", f"{path}#1", "Library levy passes by wide margin", "2019-03-12",
        "https://www.marlowcourier.com/2019/03/12/library-levy", "Marlow Courier", "cp1252")
    assert ("“This is a vote for every child who needs a quiet place to read,” said Zoë Müller, "
            "the library’s director.") in a1.text
    # an ambiguous date (05/03/2019), no link, no publication
    assert (a3.id, a3.path, a3.title, a3.date, a3.url, a3.outlet, a3.encoding) == (
        "export-3", f"{path}#3", "Café owner honored", None, None, None, "cp1252")
    assert skipped(items) == [(f"{path} record 2", NO_TEXT)]


def test_csv_semicolons_utf8_bom(tmp_path):
    path = tmp_path / "export.csv"
    path.write_bytes("\ufeffTitle;Text;Date\nRain ends drought;“It is a relief,” said Ana Ruiz.;2019-04-02\n"
                     .encode("utf-8"))
    [a] = read_archive(path)
    assert (a.id, a.title, a.date, a.encoding) == ("export-1", "Rain ends drought", "2019-04-02", "utf-8-sig")
    assert a.text == "Rain ends drought\n\n“It is a relief,” said Ana Ruiz."


def test_csv_without_text_column(tmp_path):
    path = tmp_path / "links.csv"
    path.write_text("headline,link\nA,https://example.com/a\n", encoding="utf-8")
    with pytest.raises(ReadError) as e:
        list(read_archive(path))
    assert str(e.value) == (f"{path}: no text column; found headline, link, "
                            "expected one of text, maintext, body, content, raw_text")


def test_json_list():
    path = FIX / "list.json"
    items = list(read_archive(path))
    [a] = articles(items)
    assert (a.id, a.path, a.title, a.date, a.url, a.outlet, a.encoding) == (
        "101", f"{path}#1", "Transit fares to rise in July", "2019-03-14T09:30:00-05:00",
        "https://metroline.example.org/news/fares", "Metroline News", "utf-8")
    assert skipped(items) == [(f"{path} record 2", "not a JSON object but a string"), (f"{path} record 3", NO_TEXT)]


RECORD = {"title": "Pool reopens", "text": "“Kids can swim again,” said Mayor Joan Ortiz.",
          "url": "https://x.example/pool"}


@pytest.mark.parametrize("value, ids", [
    ({"status": "ok", "total": 2, "articles": [RECORD, dict(RECORD, url="https://x.example/b")]},
     ["x.example-13bbb0119166", "x.example-d6148b22b536"]),
    (RECORD, ["x.example-13bbb0119166"]),
    ([RECORD], ["x.example-13bbb0119166"]),
])
def test_json_shapes(tmp_path, value, ids):
    path = tmp_path / "feed.json"
    path.write_text(json.dumps(value), encoding="utf-8")
    items = list(read_archive(path))
    assert [a.id for a in items] == ids
    assert [a.path for a in items] == [f"{path}#{n}" for n in range(1, len(ids) + 1)]


@pytest.mark.parametrize("content, message", [
    ('{"status": "ok", "a": [], "b": []}',
     "an object without text (text, maintext, body, content, raw_text) or a list of records"),
    ('"just a string"', "not a list of records but a string"),
    ('[{"text": "a"', "not valid JSON: Expecting ',' delimiter: line 1 column 14 (char 13)"),
])
def test_json_skipped_whole(tmp_path, content, message):
    path = tmp_path / "feed.json"
    path.write_text(content, encoding="utf-8")
    assert [(s.name, s.message) for s in read_archive(path)] == [(str(path), message)]


def test_jsonl_records(tmp_path, monkeypatch):
    monkeypatch.setenv("QUOTESEARCH_MAX_FILE_MB", "0.0001")  # 100 bytes
    path = tmp_path / "mixed jsonl.ndjson"
    lines = [
        "\ufeff" + json.dumps({"Body": "“Short,” said Al Reyes.", "id": "a b\tc"}),  # BOM, whitespace in id
        json.dumps([1, 2]),
        json.dumps({"text": "x" * 101}),
        json.dumps({"content": ["“First paragraph,” she said.", "", "Second paragraph."], "Title": "  "}),
        "   ",
        "null",
    ]
    data = "\n".join(lines).encode("utf-8") + "\n".encode() + json.dumps(
        {"text": "“Déjà vu,” said Zoë."}, ensure_ascii=False).encode("cp1252")
    path.write_bytes(data)
    items = list(read_archive(path))
    # without a title, the first paragraph is the title
    assert summary(items) == [
        ("a-b-c", "1", "“Short,” said Al Reyes.", None, None, None, "utf-8", "“Short,” said Al Reyes."),
        ("mixed-jsonl-4", "4", "“First paragraph,” she said.", None, None, None, "utf-8",
         "“First paragraph,” she said.\n\nSecond paragraph."),
        ("mixed-jsonl-6", "6", "“Déjà vu,” said Zoë.", None, None, None, "cp1252", "“Déjà vu,” said Zoë."),
        ("2", "not a JSON object but an array"),
        ("5", "not a JSON object but null"),
        ("3", "text of 0.000101 MB is more than the 0.0001 MB one article may have (QUOTESEARCH_MAX_FILE_MB)"),
    ]


def test_first_non_empty_value_wins(tmp_path):
    # names in the order of FIELDS, any case; of two keys differing in case, the first
    path = tmp_path / "a.jsonl"
    path.write_text(json.dumps({"maintext": "", "BODY": "“Yes,” said Ted Ng.", "text": None, "TITLE": "n/a",
                                "headline": "Vote set", "HEADLINE": "Not this one", "date": "",
                                "pubdate": "2020-01-02", "outlet": " ",
                                "link": "https://www.paper.example/v", "hostname": "paper"}), encoding="utf-8")
    [a] = read_archive(path)
    assert (a.title, a.date, a.outlet, a.text) == (
        "Vote set", "2020-01-02", "paper", "Vote set\n\n“Yes,” said Ted Ng.")


def test_overlong_line_is_skipped_unread(tmp_path, monkeypatch):
    monkeypatch.setenv("QUOTESEARCH_MAX_FILE_MB", "0.0001")  # lines up to 8 times that plus 1 MiB are read
    path = tmp_path / "big.jsonl"
    path.write_bytes(b'{"text": "' + b"x" * 1_100_000 + b'"}\n' + json.dumps({"text": "“Fine,” he said."}).encode())
    items = list(read_archive(path))
    assert summary(items) == [("big-2", "2", "“Fine,” he said.", None, None, None, "utf-8", "“Fine,” he said."),
                              ("1", "record of more than 1.05 MB (QUOTESEARCH_MAX_FILE_MB raises the limit)")]


def test_missing_file(tmp_path):
    path = tmp_path / "gone.jsonl"
    with pytest.raises(ReadError) as e:
        list(read_archive(path))
    assert str(e.value) == f"{path}: No such file or directory"


def test_corrupt_gzip(tmp_path):
    truncated = tmp_path / "news.jsonl.gz"
    truncated.write_bytes(gzip.compress(NEWSPLEASE.read_bytes())[:200])
    with pytest.raises(ReadError) as e:
        list(read_archive(truncated))
    assert str(e.value) == (f"{truncated}: corrupt or truncated .gz file: "
                            "Compressed file ended before the end-of-stream marker was reached")
    plain = tmp_path / "plain.jsonl.gz"
    plain.write_bytes(NEWSPLEASE.read_bytes())
    with pytest.raises(ReadError) as e:
        list(read_archive(plain))
    assert str(e.value).startswith(f"{plain}: corrupt or truncated .gz file: Not a gzipped file")
    assert "\n" not in str(e.value)
