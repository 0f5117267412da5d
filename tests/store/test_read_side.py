"""The index's read side: several segments, unknown ids, speaker names, exact totals, missing
dates, and an index folder that cannot be trusted (pickles, planted links, damaged segments).

Every index here is built by the real extractor from small articles, one ``index`` run per
segment where segments matter.
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest

import quotesearch
from quotesearch.models import Filters
from quotesearch.store.whoosh.index import open_index, open_searcher

QUOTE = "“We will not back down from this fight,” said John Smith."


def article(title: str, *paragraphs: str) -> str:
    return title + "\n\n" + "\n\n".join(paragraphs) + "\n"


def write(folder: Path, name: str, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def archive(folder: Path, name: str, records: list[dict]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


def index_ok(run, *paths, index_dir) -> None:
    result = run("index", *paths, "--index", index_dir)
    assert result.exit_code == 0, result.output


def segments(index_dir: Path) -> int:
    with open_searcher(open_index(index_dir), index_dir) as s:
        return len(s.reader().leaf_readers())


# -- item 1: several segments, some without any dated article -------------------------

@pytest.fixture
def mixed(run, tmp_path):
    """Four segments, one index run each: undated, dated 2023, undated, dated 2022."""
    index_dir = tmp_path / "mixed"
    src = tmp_path / "src"
    index_ok(run, write(src, "a.txt", article("Alpha", QUOTE)), index_dir=index_dir)
    index_ok(run, archive(src, "late.jsonl", [{"id": "late", "title": "Late", "date": "2023-03-01",
                                               "text": article("Late", QUOTE)}]), index_dir=index_dir)
    index_ok(run, write(src, "c.txt", article("Gamma", QUOTE)), index_dir=index_dir)
    index_ok(run, archive(src, "early.jsonl", [{"id": "early", "title": "Early", "date": "2022-05-01",
                                                "text": article("Early", QUOTE)}]), index_dir=index_dir)
    assert segments(index_dir) == 4
    return index_dir


def test_trace_over_segments_without_dates(run, mixed):
    result = run("trace", "a:8", "--index", mixed, "--format", "jsonl")
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert [(r["source"], (r["date"] or "")[:10]) for r in rows] == [
        ("early/early", "2022-05-01"), ("late/late", "2023-03-01"), ("a", ""), ("c", "")]


@pytest.mark.parametrize("sort, expected", [("date", ["early/early", "late/late", "a", "c"]),
                                            ("-date", ["late/late", "early/early", "a", "c"])])
def test_sort_by_date_over_segments_without_dates(run, mixed, sort, expected):
    result = run("search", "--sort", sort, "--index", mixed, "--format", "jsonl")
    assert result.exit_code == 0, result.output
    assert [json.loads(line)["source"] for line in result.stdout.splitlines()] == expected
    result = run("export", "--sort", sort, "--index", mixed)
    assert result.exit_code == 0, result.output
    assert [json.loads(line)["source"] for line in result.stdout.splitlines()] == expected


# -- item 8: unknown statement ids ------------------------------------------------------

@pytest.mark.parametrize("command", ["trace", "show"])
def test_unknown_statement_id_is_an_error(run, mixed, command):
    result = run(command, "a:99999", "--index", mixed)
    assert result.exit_code == 1
    assert result.output == (f"Error: no statement 'a:99999' in the index at {mixed}; ids look like "
                             "SOURCE:OFFSET, find them with `quotesearch search`\n")


def test_unknown_source_is_an_error(run, mixed):
    result = run("source", "nosuch", "--index", mixed)
    assert result.exit_code == 1
    assert result.output.startswith("Error: no source 'nosuch' in the index")


def test_trace_by_words_still_finds_the_quote(run, mixed):
    result = run("trace", "not back down", "--index", mixed, "--format", "jsonl")
    assert result.exit_code == 0
    assert len(result.stdout.splitlines()) == 4


# -- item 10: exact totals with filters and a limit -------------------------------------

@pytest.mark.parametrize("kind", ["direct", None])
def test_filtered_total_counts_every_match(run, tmp_path, kind):
    """'budget OR border' with --kind (and without): the border statements score highest and come
    first; once the top 2 score more than 'budget' alone can, whoosh stops looking at statements
    with 'budget' alone, and its count left them out. Counted in the ranking pass itself."""
    src = tmp_path / "src"
    # shorter and shorter: each scores higher than the one before, so the top 2 keep changing
    border = [f"“The border must stay closed{w},” said Anna Berg."
              for w in (" to every truck and every car by day and by night", " to every truck by day", "")]
    budget = [f"“The budget {w} is a budget for everyone and the budget will pass,” said Carl Dunn."
              for w in ("plan", "deal", "vote", "bill", "law", "cut", "rise", "gap", "fix", "hole", "line", "rule")]
    write(src, "a.txt", article("Border", *border))
    write(src, "b.txt", article("Budget", *budget))
    index_dir = tmp_path / "ix"
    index_ok(run, src, index_dir=index_dir)
    with quotesearch.Index(index_dir) as qs:
        every = qs.search("budget OR border", filters=Filters(kind=kind), limit=None)
        assert every.total == len(every.hits) == 15
        top = qs.search("budget OR border", filters=Filters(kind=kind), limit=2)
        assert (len(top.hits), top.total) == (2, 15)
    option = ["--kind", kind] if kind else []
    result = run("search", "budget OR border", *option, "--limit", "2", "--index", index_dir)
    assert "(2 of 15 shown; use --limit to see more)" in result.output


# -- item 9: a name filter matches speakers, not names that hold its words --------------

TRUMPS = {
    "a.txt": "“We will build it,” said Donald Trump.",
    "b.txt": "“The numbers are great,” said Eric Trump.",
    "c.txt": "“He will win the state,” said a top Donald Trump adviser.",
    "d.txt": "“We are open for business,” Trump Tower said in a statement.",
    "e.txt": "“We support him all the way,” said supporters of Republican Donald Trump.",
    "f.txt": "“The campaign is strong,” said Donald Trump's campaign manager.",
    "g.txt": "“We will see,” said Trump.",
}


@pytest.fixture
def trumps(run, tmp_path):
    src = tmp_path / "src"
    for name, text in TRUMPS.items():
        write(src, name, article(name[0].upper() + " story", text))
    index_dir = tmp_path / "ix"
    index_ok(run, src, index_dir=index_dir)
    return index_dir


def speakers_of(run, index_dir, *args) -> list[str]:
    result = run("search", *args, "--index", index_dir, "--format", "jsonl")
    assert result.exit_code == 0, result.output
    return sorted(json.loads(line)["speaker"] for line in result.stdout.splitlines())


@pytest.mark.parametrize("name", ["donald trump", "Donald Trump", "President Donald Trump", "DONALD TRUMP"])
def test_full_name_matches_that_speaker(run, trumps, name):
    assert speakers_of(run, trumps, "--speaker", name) == ["Donald Trump"]


def test_surname_matches_people_with_that_surname(run, trumps):
    assert speakers_of(run, trumps, "--speaker", "trump") == ["Donald Trump", "Eric Trump", "Trump"]
    result = run("search", "--speaker", "trump", "--index", trumps)
    assert result.exit_code == 0
    assert ("(speaker 'trump' matched 3 speakers: Donald Trump, Eric Trump, Trump; "
            "list them with `quotesearch speakers --speaker trump`)") in result.output
    result = run("speakers", "--speaker", "trump", "--index", trumps, "--format", "jsonl")
    assert sorted(json.loads(line)["speaker"] for line in result.stdout.splitlines()) == [
        "Donald Trump", "Eric Trump", "Trump"]


def test_aliases_still_join_names(run, trumps, tmp_path):
    aliases = tmp_path / "aliases.tsv"
    aliases.write_text("The Donald\tDonald Trump\n", encoding="utf-8")
    result = run("index", tmp_path / "src", "--index", trumps, "--aliases", aliases)
    assert result.exit_code == 0, result.output
    assert speakers_of(run, trumps, "--speaker", "the donald") == ["Donald Trump"]


# -- item 15: an index's pickles never run code -----------------------------------------

class _Creates:
    """Unpickled, this would create ``path`` (a stand-in for running any command)."""

    def __init__(self, path):
        self.path = str(path)

    def __reduce__(self):
        return (open, (self.path, "w"))


@pytest.fixture
def small_index(run, tmp_path):
    src = tmp_path / "src"
    write(src, "a.txt", article("Alpha", QUOTE))
    index_dir = tmp_path / "ix"
    index_ok(run, src, index_dir=index_dir)
    return index_dir


def _write_toc(index_dir: Path, schema, segments) -> None:
    """A table of contents of the next generation, written the way whoosh writes one."""
    from whoosh import index as whoosh_index
    from whoosh.filedb.filestore import FileStorage

    storage = FileStorage(str(index_dir))
    generation = whoosh_index.TOC._latest_generation(storage, "MAIN") + 1
    whoosh_index.TOC(schema, segments, generation).write(storage, "MAIN")


@pytest.mark.parametrize("command", [("search", "fight"), ("export",), ("index", "{src}")])
def test_crafted_segment_list_is_refused_without_running(run, small_index, tmp_path, command):
    marker = tmp_path / "ran"
    from quotesearch.store.whoosh.index import make_schema

    _write_toc(small_index, make_schema(), [_Creates(marker)])
    args = [a.format(src=tmp_path / "src") for a in command]
    result = run(*args, "--index", small_index)
    assert not marker.exists()
    assert result.exit_code == 1
    assert result.output.startswith(f"Error: the index at {small_index} cannot be read (UnpicklingError: ")
    assert result.output.endswith("; run `quotesearch index --rebuild PATH...` to rebuild it\n")
    assert len(result.output.splitlines()) == 1


def test_crafted_schema_is_never_unpickled(run, small_index, tmp_path):
    from whoosh.fields import Schema

    from quotesearch.store.whoosh.index import make_schema

    marker = tmp_path / "ran"

    class Crafted(Schema):
        def __reduce_ex__(self, protocol):
            return (open, (str(marker), "w"))

    crafted = Crafted(**{name: field for name, field in make_schema().items()})
    segments = open_index(small_index)._segments()
    _write_toc(small_index, crafted, segments)
    result = run("search", "fight", "--index", small_index, "--format", "jsonl")
    assert not marker.exists()
    assert result.exit_code == 0
    assert [json.loads(line)["id"] for line in result.stdout.splitlines()] == ["a:8"]


# -- item 16: files in the index folder are created new, never through a planted link ---

def test_planted_links_are_not_followed(run, small_index, tmp_path):
    import os

    outside = tmp_path / "outside.txt"
    outside.write_text("precious\n", encoding="utf-8")
    nowhere = tmp_path / "created-through-a-link"
    pid = os.getpid()
    for name in (f"quotesearch.json.{pid}.tmp", f"quotesearch-order.bin.{pid}.tmp", f"aliases.tsv.{pid}.tmp"):
        (small_index / name).symlink_to(outside)
    (small_index / "MAIN_WRITELOCK").unlink()
    (small_index / "MAIN_WRITELOCK").symlink_to(nowhere)
    aliases = tmp_path / "aliases.tsv"
    aliases.write_text("J. Smith\tJohn Smith\n", encoding="utf-8")
    write(tmp_path / "src", "b.txt", article("Beta", QUOTE))
    result = run("index", tmp_path / "src", "--index", small_index, "--aliases", aliases)
    assert result.exit_code == 0, result.output
    assert outside.read_text(encoding="utf-8") == "precious\n"
    assert not nowhere.exists()
    assert json.loads((small_index / "quotesearch.json").read_text())["schema_version"] >= 1
    assert (small_index / "aliases.tsv").read_text(encoding="utf-8") == "J. Smith\tJohn Smith\n"


def test_whoosh_files_are_created_new(tmp_path):
    from quotesearch.store.whoosh.index import IndexStorage

    outside = tmp_path / "outside.txt"
    outside.write_text("precious\n", encoding="utf-8")
    folder = tmp_path / "ix"
    folder.mkdir()
    (folder / "_MAIN_1.toc.1234.5").symlink_to(outside)  # whoosh's temporary name for a table of contents
    f = IndexStorage(str(folder)).create_file("_MAIN_1.toc.1234.5")
    f.write(b"new")
    f.close()
    assert outside.read_text(encoding="utf-8") == "precious\n"
    assert not (folder / "_MAIN_1.toc.1234.5").is_symlink()
    assert (folder / "_MAIN_1.toc.1234.5").read_bytes() == b"new"


# -- item 4 (damage): a segment file with 4 KB overwritten ------------------------------

def test_damaged_segment_is_named_with_the_rebuild_hint(run, tmp_path):
    import random

    src = tmp_path / "src"
    rng = random.Random(0)
    words = "tax border budget plan people state vote election economy jobs war peace city water school health".split()
    for i in range(60):
        paragraphs = [f"“The {' '.join(rng.choice(words) for _ in range(12))} matters,” said Person{i % 7} Name{j}."
                      for j in range(6)]
        write(src, f"a{i:02d}.txt", article(f"Story {i}", *paragraphs))
    index_dir = tmp_path / "ix"
    index_ok(run, src, index_dir=index_dir)
    [segment] = index_dir.glob("*.seg")
    # 4 KB in the middle of the stored statements (the part of the file every export reads;
    # where it lies in the segment file changes from run to run)
    from whoosh.filedb.compound import CompoundStorage
    from whoosh.filedb.filestore import FileStorage

    compound = CompoundStorage(FileStorage(str(index_dir)).open_file(segment.name))
    stored = compound._dir[segment.stem + "._stored.col"]
    compound.close()
    with open(segment, "r+b") as f:
        f.seek(stored["offset"] + stored["length"] // 2 - 2048)
        f.write(random.Random(1).randbytes(4096))
    hint = "; run `quotesearch index --rebuild PATH...` to rebuild it\n"

    result = run("export", "--index", index_dir)
    assert result.exit_code == 1
    assert result.stderr.startswith(f"Error: the index at {index_dir} cannot be read (")
    assert result.stderr.endswith(hint) and len(result.stderr.splitlines()) == 1

    for args in (("search", "tax"), ("search", "--limit", "0"), ("speakers",), ("trace", "tax border")):
        result = run(*args, "--index", index_dir)  # whatever reads the damage says so in one line
        assert result.exit_code == 0 or (result.exit_code == 1 and result.stderr.endswith(hint)
                                         and len(result.stderr.splitlines()) == 1), result.output

    result = run("index", src, "--index", index_dir)
    assert result.exit_code == 1
    assert result.stderr.endswith(f"Error: the index at {index_dir} is damaged ({segment.name} changed since it was written){hint}")

    result = run("index", "--rebuild", src, "--index", index_dir)
    assert result.exit_code == 0, result.output
    assert len(run("export", "--index", index_dir).stdout.splitlines()) == 360


# -- item 14: filters on dates or outlets the index does not have -----------------------

NO_DATES = ("(no article in the index has a date; dates come from archives (a date field), web pages "
            "or a metadata sidecar beside the texts: index those)\n")
NO_OUTLETS = ("(no article in the index has an outlet; outlets come from archives, web pages "
              "or a metadata sidecar beside the texts: index those)\n")


@pytest.mark.parametrize("args, expected", [
    (("search", "--since", "2020"), NO_DATES),
    (("search", "fight", "--until", "2024-05"), NO_DATES),
    (("search", "--outlet", "reuters"), NO_OUTLETS),
    (("sources", "--since", "2020"), NO_DATES),
    (("speakers", "--outlet", "reuters"), NO_OUTLETS),
])
def test_index_without_dates_or_outlets_says_so(run, small_index, args, expected):
    result = run(*args, "--index", small_index)
    assert result.exit_code == 1  # nothing found
    assert result.stderr == expected


def test_sort_by_date_without_dates_says_so(run, small_index):
    result = run("search", "--sort", "date", "--index", small_index)
    assert "a:8" in result.stdout
    assert result.stderr == NO_DATES


def test_matched_statements_without_dates_say_so(run, mixed):
    result = run("search", "--source", "a", "--since", "2020", "--index", mixed)
    assert result.stderr == "(no statement matching the other filters has a date (1 match them))\n"
    result = run("search", "--source", "late/late", "--since", "2024", "--index", mixed)
    assert result.stderr == "(no statement matches --source late/late --since 2024)\n"
    with quotesearch.Index(mixed) as qs:  # some article has a date, none an outlet
        assert qs.lacks(sort="date") is None and qs.lacks(since="2020") is None
        assert f"({qs.lacks(outlet='reuters')})\n" == NO_OUTLETS


def test_crafted_word_positions_are_refused_without_running(tmp_path):
    """A posting's word positions are a pickle too (whoosh's formats decode them for phrase
    queries): one naming a class is refused, as every pickle of the index is; plain ones read."""
    import pickle

    from whoosh.formats import Positions

    import quotesearch.store.whoosh.index  # noqa: F401  (restricts whoosh's pickles when imported)

    marker = tmp_path / "ran"
    crafted = b"\x00\x00\x00\x01" + pickle.dumps([_Creates(marker)], 2)
    with pytest.raises(pickle.UnpicklingError):
        Positions().decode_positions(crafted)
    assert not marker.exists()
    assert Positions().decode_positions(Positions().encode([3, 9, 300, 70000])) == [3, 9, 300, 70000]
    # many at once (phrase queries): one crafted among plain ones is refused too
    from quotesearch.store.whoosh.index import word_positions

    plain = [Positions().encode(p) for p in ([1], [2, 5], [0, 300, 70000], [])]
    assert word_positions(Positions(), plain) == [[1], [2, 5], [0, 300, 70000], []]
    with pytest.raises(pickle.UnpicklingError):
        word_positions(Positions(), plain[:2] + [crafted] + plain[2:])
    assert not marker.exists()


def test_word_positions_read_together_stay_with_their_postings():
    """Phrase queries read many postings' word positions in one pickle (index.word_positions). A
    crafted value holding no list, two lists, or a list ending inside an opcode (its next byte read
    from the next value) must not shift the positions of the postings after it: each value reads as
    whoosh reads it alone (the same positions, or the same refusal), never another's."""
    from whoosh.formats import Positions

    from quotesearch.store.whoosh.index import DAMAGE, word_positions

    def value(body: bytes) -> bytes:  # a posting's value: the count of positions, then the pickle
        return b"\x00\x00\x00\x01" + b"\x80\x02" + body + b"."

    plain = [Positions().encode(p) for p in ([7], [2, 5], [9])]
    two_lists = value(b"]q\x00]q\x01K\x01a")  # whoosh's own loads gives the last: [1]
    assert word_positions(Positions(), plain[:1] + [two_lists] + plain[1:]) == [[7], [1], [2, 5], [9]]
    for refused in ([value(b"")], [value(b"]q\x00K"), value(b"]a"), value(b"]q\x00K\x01a]q\x00K\x02a")]):
        with pytest.raises(DAMAGE):  # (a damaged index: the one-line error with the rebuild hint)
            Positions().decode_positions(refused[0])
        with pytest.raises(DAMAGE):
            word_positions(Positions(), plain + refused)
