"""Real news archives end to end, through the command line and the real extractor: archive
formats and metadata, one speaker across articles, wire copies (quote groups), trace, export.

The fixture ``fixtures/news/eastbrook.jsonl`` holds one quote carried by four sources on
different days (with small edits: quote marks, a dropped word, a cut), its speaker named
"Zoë Müller", "Mayor Zoe Muller" and "Zoe Mueller", and a record whose date is "None".
"""
from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from quotesearch.cli import main
from quotesearch.formats import EXPORT_COLUMNS

NEWS = Path(__file__).parents[1] / "fixtures" / "news"
HTML = Path(__file__).parents[1] / "fixtures" / "html"
BUDGET_QUOTE = "We will not balance this budget on the backs of our libraries"


def run(*args, input=None, ok=True):
    result = CliRunner().invoke(main, [str(a) for a in args], input=input)
    if ok:
        assert result.exit_code == 0, result.output
    return result


def rows(*args, ok=True) -> list[dict]:
    return json.loads(run(*args, "--format", "json", ok=ok).stdout)


@pytest.fixture(scope="module")
def archive_index(tmp_path_factory) -> Path:
    index = tmp_path_factory.mktemp("news") / "idx"
    run("index", "--index", index, NEWS / "eastbrook.jsonl")
    return index


def budget_quotes(index) -> list[dict]:
    hits = rows("search", "--index", index, "--limit", "0", '"backs of our libraries"')
    return sorted(hits, key=lambda h: h["source"])


# -- metadata -------------------------------------------------------------------------

def test_sources_list_date_outlet_url_and_title(archive_index):
    assert [(r["source"], r["date"], r["outlet"], r["url"], r["title"]) for r in rows("sources", "--index", archive_index)] == [
        ("eastbrook/ap-0304", "2024-03-04T10:00:00+00:00", "Associated Press", "https://apnews.example/article/eastbrook-budget-0304",
         "Council rejects budget cuts"),
        ("eastbrook/blog-undated", None, "Eastbrook Notes", None, "Budget row"),
        ("eastbrook/gazette-0307", "2024-03-07", "Valley Gazette", "https://gazette.example/eastbrook-budget",
         "Eastbrook budget fight goes on"),
        ("eastbrook/herald-0305", "2024-03-05", "The Eastbrook Herald", "https://herald.example/news/libraries-spared",
         "Libraries spared in Eastbrook budget"),
    ]


def test_every_statement_carries_its_articles_metadata(archive_index):
    hit = next(h for h in budget_quotes(archive_index) if h["source"] == "eastbrook/herald-0305")
    assert {k: hit[k] for k in ("title", "date", "url", "outlet", "speaker", "speaker_key", "role")} == {
        "title": "Libraries spared in Eastbrook budget", "date": "2024-03-05",
        "url": "https://herald.example/news/libraries-spared", "outlet": "The Eastbrook Herald",
        "speaker": "Zoe Muller", "speaker_key": "zoe muller", "role": "Mayor"}
    shown = rows("show", "--index", archive_index, hit["id"])[0]
    assert (shown["title"], shown["date"], shown["outlet"]) == (hit["title"], "2024-03-05", "The Eastbrook Herald")


@pytest.mark.parametrize("args, sources", [
    (["--since", "2024-03-05"], ["eastbrook/gazette-0307", "eastbrook/herald-0305"]),
    (["--until", "2024-03-04"], ["eastbrook/ap-0304"]),
    (["--since", "2024-03", "--until", "2024-03"], ["eastbrook/ap-0304", "eastbrook/gazette-0307", "eastbrook/herald-0305"]),
    (["--since", "2025"], []),
    (["--outlet", "herald"], ["eastbrook/herald-0305"]),
    (["--outlet", "Eastbrook"], ["eastbrook/blog-undated", "eastbrook/herald-0305"]),
])
def test_date_and_outlet_filters(archive_index, args, sources):
    found = bool(sources)  # nothing found exits 1, as grep
    assert sorted({h["source"] for h in rows("search", "--index", archive_index, "--limit", "0", *args, ok=found)}) == sources
    assert [r["source"] for r in rows("sources", "--index", archive_index, *args, ok=found)] == sources
    exported = run("export", "--index", archive_index, *args, ok=found).stdout.splitlines()
    assert sorted({json.loads(line)["source"] for line in exported}) == sources


def test_bad_date_is_a_user_error(archive_index):
    result = run("search", "--index", archive_index, "--since", "last tuesday", ok=False)
    assert result.exit_code == 1
    assert "--since" in result.output and "YYYY-MM-DD" in result.output


def test_sort_by_date(archive_index):
    oldest = [h["source"] for h in budget_quotes(archive_index)]
    assert len(oldest) == 4
    by_date = rows("search", "--index", archive_index, "libraries", "--sort", "date")
    assert [h["source"] for h in by_date if BUDGET_QUOTE in h["text"]] == [
        "eastbrook/ap-0304", "eastbrook/herald-0305", "eastbrook/gazette-0307", "eastbrook/blog-undated"]
    newest = rows("search", "--index", archive_index, "libraries", "--sort", "-date")
    assert [h["source"] for h in newest if BUDGET_QUOTE in h["text"]] == [
        "eastbrook/gazette-0307", "eastbrook/herald-0305", "eastbrook/ap-0304", "eastbrook/blog-undated"]


# -- one speaker across articles ------------------------------------------------------

def test_one_person_under_different_forms_of_the_name_is_one_speaker(archive_index):
    speakers = rows("speakers", "--index", archive_index)
    mayor = [r for r in speakers if r["speaker_key"] == "zoe muller"]
    assert len(mayor) == 1
    assert {k: mayor[0][k] for k in ("statements", "sources", "first", "last")} == {
        "statements": 6, "sources": 4, "first": "2024-03-04", "last": "2024-03-07"}
    assert mayor[0]["speaker"] in ("Zoë Müller", "Zoe Muller")
    for form in ("ZOË MÜLLER", "Mayor Zoe Muller", "müller", "Zoe Muller"):
        found = rows("speakers", "--index", archive_index, "--speaker", form)
        assert [r["speaker_key"] for r in found] == ["zoe muller"], form


def test_aliases_merge_what_rules_cannot(tmp_path):
    aliases = tmp_path / "aliases.tsv"
    aliases.write_text("# alias\tcanonical\nZoe Mueller\tZoë Müller\n", encoding="utf-8")
    index = tmp_path / "idx"
    run("index", "--index", index, "--aliases", aliases, NEWS / "eastbrook.jsonl")
    assert (index / "aliases.tsv").read_text(encoding="utf-8") == aliases.read_text(encoding="utf-8")
    keys = {r["speaker_key"] for r in rows("speakers", "--index", index)}
    assert "zoe mueller" not in keys
    mayor = rows("speakers", "--index", index, "--speaker", "Zoe Mueller")
    assert [(r["speaker_key"], r["statements"]) for r in mayor] == [("zoe muller", 7)]
    # the kept file applies to later runs without --aliases
    run("index", "--index", index, NEWS / "eastbrook.jsonl")
    assert "zoe mueller" not in {r["speaker_key"] for r in rows("speakers", "--index", index)}


def test_bad_aliases_file_is_a_user_error(tmp_path):
    aliases = tmp_path / "aliases.tsv"
    aliases.write_text("only one column\n", encoding="utf-8")
    result = run("index", "--index", tmp_path / "idx", "--aliases", aliases, NEWS / "eastbrook.jsonl", ok=False)
    assert result.exit_code == 1
    assert "line 1: expected 'alias<TAB>canonical name'" in result.output


def test_anonymous_speakers_are_never_merged_across_articles(tmp_path):
    for name in ("one", "two"):
        (tmp_path / f"{name}.txt").write_text(
            f"Budget news {name}\n\nA city spokesperson said the budget would pass next week.\n", encoding="utf-8")
    index = tmp_path / "idx"
    run("index", "--index", index, tmp_path / "one.txt", tmp_path / "two.txt")
    anonymous = [r for r in rows("speakers", "--index", index) if r["speaker"] == "A city spokesperson"]
    assert sorted(r["speaker_key"] for r in anonymous) == ["a city spokesperson@one", "a city spokesperson@two"]
    assert [r["sources"] for r in anonymous] == [1, 1]
    # the same words by two anonymous speakers are two quotes, not one travelling
    groups = {h["quote_group"] for h in rows("search", "--index", index, "budget")}
    assert len(groups) == 2


# -- wire copies ------------------------------------------------------------------------

def test_one_quote_in_four_sources_shares_a_group(archive_index):
    quotes = budget_quotes(archive_index)
    assert [q["source"] for q in quotes] == ["eastbrook/ap-0304", "eastbrook/blog-undated", "eastbrook/gazette-0307", "eastbrook/herald-0305"]
    assert len({q["quote_group"] for q in quotes}) == 1
    others = rows("search", "--index", archive_index, "--limit", "0", "--speaker", "patel")
    assert quotes[0]["quote_group"] not in {o["quote_group"] for o in others}


def test_search_group_shows_one_hit_per_group_with_its_sources(archive_index):
    grouped = rows("search", "--index", archive_index, "libraries", "--group")
    budget = [h for h in grouped if BUDGET_QUOTE in h["text"]]
    assert len(budget) == 1 and budget[0]["sources"] == 4
    table = run("search", "--index", archive_index, "libraries", "--group").stdout
    assert "sources" in table.splitlines()[0]


def test_trace_lists_every_appearance_earliest_first(archive_index):
    first_id = budget_quotes(archive_index)[0]["id"]
    for how in (first_id, "balance this budget on the backs of our libraries"):
        trail = rows("trace", "--index", archive_index, how)
        assert [(t["source"], t["outlet"], t["date"], t["same_wording"]) for t in trail] == [
            ("eastbrook/ap-0304", "Associated Press", "2024-03-04T10:00:00+00:00", True),
            ("eastbrook/herald-0305", "The Eastbrook Herald", "2024-03-05", False),
            ("eastbrook/gazette-0307", "Valley Gazette", "2024-03-07", False),
            ("eastbrook/blog-undated", "Eastbrook Notes", None, True),
        ]
        assert trail[1]["text"] == "We will not balance this budget on the backs of our libraries and parks"
    table = run("trace", "--index", archive_index, first_id).stdout.splitlines()
    assert table[0].split() == ["quote", "speaker", "outlet", "date", "source"]  # the quote first
    assert table[2].startswith("We will not balance") and table[2].endswith("ap-0304")
    assert table[-2].startswith("(same)") and table[-2].endswith("blog-undated")  # the undated last


def test_trace_of_nothing_is_a_user_error(archive_index):
    result = run("trace", "--index", archive_index, "zzzz qqqq", ok=False)
    assert result.exit_code == 1 and "no statement like" in result.output


# -- export ----------------------------------------------------------------------------

def test_export_csv_has_the_spreadsheet_columns_and_every_row(archive_index, tmp_path):
    out = tmp_path / "all.csv"
    run("export", "--index", archive_index, "--format", "csv", "-o", out)
    table = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert list(table[0]) == list(EXPORT_COLUMNS)
    assert list(EXPORT_COLUMNS[:11]) == ["speaker", "role", "organization", "text", "kind", "date", "outlet",
                                         "title", "url", "source", "quote_group"]
    assert len(table) == sum(r["statements"] for r in rows("sources", "--index", archive_index))
    herald = next(r for r in table if r["source"] == "eastbrook/herald-0305" and r["kind"] == "direct")
    assert (herald["speaker"], herald["date"], herald["outlet"], herald["title"]) == (
        "Zoe Muller", "2024-03-05", "The Eastbrook Herald", "Libraries spared in Eastbrook budget")


def test_export_has_no_result_limit(tmp_path):
    path = tmp_path / "many.jsonl"
    path.write_text("".join(json.dumps({"id": f"n{i}", "title": f"Story {i}", "text": (
        f"“Story number {i} is about the harbour,” said Ann Lee.")}) + "\n" for i in range(45)), encoding="utf-8")
    index = tmp_path / "idx"
    run("index", "--index", index, path)
    assert len(rows("search", "--index", index, "harbour")) == 20  # search shows 20 by default
    lines = run("export", "--index", index, "harbour").stdout.splitlines()
    assert len(lines) == 45
    assert len(run("export", "--index", index, "--format", "csv").stdout.splitlines()) == 46


def test_export_filters_and_sorts(archive_index):
    lines = run("export", "--index", archive_index, "--speaker", "muller", "--sort", "-date").stdout.splitlines()
    records = [json.loads(line) for line in lines]
    assert {r["speaker_key"] for r in records} == {"zoe muller"}
    assert [r["date"][:10] if r["date"] else None for r in records] == sorted(
        [r["date"][:10] for r in records if r["date"]], reverse=True) + [None] * sum(not r["date"] for r in records)


# -- inputs ----------------------------------------------------------------------------

NEWS_PLEASE = [
    {"maintext": "“The bridge will reopen in May,” said Tom Okafor, the city engineer.", "title": "Bridge to reopen",
     "date_publish": "2023-11-02 08:15:00", "url": "https://www.citynews.example/bridge", "source_domain": "citynews.example"},
    {"maintext": "“We expect delays,” said Ana Ruiz, a transit official.", "title": "Transit delays",
     "date_publish": "None", "url": "https://www.citynews.example/transit", "source_domain": "citynews.example"},
    {"title": "A record without any text", "date_publish": "2023-11-03 09:00:00"},
]


def news_please_lines() -> str:
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in NEWS_PLEASE)


def test_news_please_archive_from_a_file_and_from_stdin(tmp_path):
    path = tmp_path / "crawl.jsonl"
    path.write_text(news_please_lines(), encoding="utf-8")
    for index, args, kw in ((tmp_path / "a", [path], {}), (tmp_path / "b", ["-"], {"input": news_please_lines()})):
        result = run("index", "--index", index, *args, **kw)
        assert "record 3" in result.stderr and "no text" in result.stderr
        assert "Indexed 2 articles: 2 statements" in result.stdout
        found = {r["title"]: (r["date"], r["outlet"]) for r in rows("sources", "--index", index)}
        assert found == {"Bridge to reopen": ("2023-11-02T08:15:00", "citynews.example"),
                         "Transit delays": (None, "citynews.example")}


def test_csv_export_in_cp1252(tmp_path):
    path = tmp_path / "export.csv"
    data = ("headline,body,published,link,publication\n"
            'Port strike ends,"“The strike is over,” said Zoë Müller, the port director.",2024-05-01,'
            "https://port.example/strike,Port Times\n")
    path.write_bytes(data.encode("cp1252"))
    index = tmp_path / "idx"
    result = run("index", "--index", index, "--verbose", path)
    assert "read as cp1252" in result.stderr
    hit = rows("search", "--index", index, "strike")[0]
    assert (hit["speaker"], hit["text"], hit["date"], hit["outlet"]) == (
        "Zoë Müller", "The strike is over", "2024-05-01", "Port Times")


def test_cp1252_text_file_and_verbose(tmp_path):
    path = tmp_path / "letter.txt"
    path.write_bytes("Mayor answers critics\n\n“Nobody will lose their library,” said Zoë Müller.\n".encode("cp1252"))
    index = tmp_path / "idx"
    quiet = run("index", "--index", index, path)
    assert "cp1252" not in quiet.stderr
    loud = run("index", "--index", tmp_path / "idx2", "--verbose", path)
    assert f"{path}: read as cp1252" in loud.stderr
    assert rows("search", "--index", index, "library")[0]["speaker"] == "Zoë Müller"


def test_html_page_is_indexed_with_its_metadata(tmp_path):
    pytest.importorskip("trafilatura")
    pages = sorted(HTML.glob("*.htm*"))
    assert pages
    folder = tmp_path / "pages"
    folder.mkdir()
    for page in pages:
        shutil.copy(page, folder)
    index = tmp_path / "idx"
    result = run("index", "--index", index, folder, ok=False)
    assert result.exit_code == 0, result.output
    sources = rows("sources", "--index", index)
    assert any(r["outlet"] and r["title"] for r in sources)
    for hit in rows("search", "--index", index, "--limit", "0"):
        shown = rows("show", "--index", index, hit["id"])[0]
        assert shown["text"] == hit["text"]


def test_html_without_the_extra_says_what_to_install(tmp_path, monkeypatch):
    import sys

    monkeypatch.setitem(sys.modules, "trafilatura", None)
    pages = tmp_path / "pages"
    pages.mkdir()
    for name in ("a.html", "b.htm", "c.html"):
        (pages / name).write_text("<html><body><p>“Hello,” said Ann Lee.</p></body></html>", encoding="utf-8")
    result = run("index", "--index", tmp_path / "idx", "--jobs", "1", pages / "a.html", ok=False)
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0] == (f"skipped {pages / 'a.html'}: reading web pages needs the html extra: "
                                             "pip install 'quotesearch[html]'")
    # many pages: one line for all of them
    result = run("index", "--index", tmp_path / "idx", "--jobs", "1", pages, ok=False)
    assert [line for line in result.stderr.splitlines() if line.startswith("skipped")] == [
        f"skipped 3 web pages ({pages / 'a.html'} …): reading web pages needs the html extra: "
        "pip install 'quotesearch[html]'"]
    result = run("extract", pages, ok=False)
    assert result.stderr.splitlines()[0].startswith("skipped 3 web pages")


def test_reindexing_an_archive_with_a_corrected_date_updates_it(tmp_path):
    path = tmp_path / "crawl.jsonl"
    record = {"id": "bridge", "title": "Bridge to reopen", "date": "None",
              "text": "“The bridge will reopen in May,” said Tom Okafor, the city engineer."}
    path.write_text(json.dumps(record) + "\n", encoding="utf-8")
    index = tmp_path / "idx"
    run("index", "--index", index, path)
    assert "1 unchanged" in run("index", "--index", index, path).stdout
    path.write_text(json.dumps(dict(record, date="2023-11-02")) + "\n", encoding="utf-8")
    assert run("index", "--index", index, path).stdout.startswith("Indexed 1 article: 1 statement")
    assert [r["date"] for r in rows("sources", "--index", index)] == ["2023-11-02"]
    assert rows("search", "--index", index, "bridge")[0]["date"] == "2023-11-02"


def test_trace_by_group_id_and_grouped_listing_without_a_query(archive_index):
    group = budget_quotes(archive_index)[0]["quote_group"]
    assert [t["source"] for t in rows("trace", "--index", archive_index, group)] == [
        "eastbrook/ap-0304", "eastbrook/herald-0305", "eastbrook/gazette-0307", "eastbrook/blog-undated"]
    listing = rows("search", "--index", archive_index, "--group", "--speaker", "muller", "--limit", "0")
    assert [h["sources"] for h in listing if h["quote_group"] == group] == [4]
    assert len({h["quote_group"] for h in listing}) == len(listing)  # one hit per group


def test_extract_reads_archives_and_standard_input():
    lines = run("extract", NEWS / "eastbrook.jsonl").stdout.splitlines()
    records = [json.loads(line) for line in lines]
    assert {r["source"] for r in records} == {"eastbrook/ap-0304", "eastbrook/herald-0305", "eastbrook/gazette-0307", "eastbrook/blog-undated"}
    herald = next(r for r in records if r["source"] == "eastbrook/herald-0305" and r["kind"] == "direct")
    assert (herald["date"], herald["outlet"], herald["speaker_key"], herald["quote_group"]) == (
        "2024-03-05", "The Eastbrook Herald", "zoe muller", None)
    piped = run("extract", "-", input=(NEWS / "eastbrook.jsonl").read_text(encoding="utf-8")).stdout.splitlines()
    assert piped == [line.replace('"eastbrook/', '"stdin/') for line in lines]  # record ids scoped to "stdin"
    global_ids = run("extract", "--global-ids", "-", input=(NEWS / "eastbrook.jsonl").read_text(encoding="utf-8"))
    assert global_ids.stdout.splitlines() == [line.replace('"eastbrook/', '"') for line in lines]
