"""Speaker keys across articles (speakers.py) and quote groups for wire copies (groups.py)."""
from __future__ import annotations

import pytest

from quotesearch.identity.groups import QuoteGroups
from quotesearch.identity.speakers import Aliases, fold, name_key, speaker_key


@pytest.mark.parametrize("name, key", [
    ("Volodymyr Zelensky", "volodymyr zelensky"),
    ("President Volodymyr Zelensky", "volodymyr zelensky"),
    ("VOLODYMYR ZELENSKY", "volodymyr zelensky"),
    ("Ukrainian President Volodymyr Zelensky", "volodymyr zelensky"),
    ("Zoë Müller", "zoe muller"),
    ("Mr. George Barros", "george barros"),
    ("Mr. Barros", "barros"),
    ("Chief Justice John Roberts", "john roberts"),
    ("Major Garrett", "major garrett"),   # a title word as a first name: two words stay
    ("Martin Luther King Jr.", "martin luther king jr"),
    ("The Kremlin", "kremlin"),
    ("CNN’s Jake Tapper", "jake tapper"),
    ("the Post's Ruth Marcus", "ruth marcus"),
    ("", ""),
])
def test_name_key_folds_case_accents_and_titles(name, key):
    assert name_key(name) == key


def test_fold():
    assert fold("  “Zoë”  O’Neil-Smith! ") == "zoe o neil smith"


@pytest.mark.parametrize("speaker, stype, key", [
    ("President Volodymyr Zelensky", "person", "volodymyr zelensky"),
    ("the Kremlin", "organization", "kremlin"),
    ("a government official", "anonymous", "a government official@art-1"),
    ("Analysts", "group", "analysts@art-1"),
    ("the company", "organization", "the company@art-1"),   # a description, not a name
    ("campaign", "person", "campaign@art-1"),
    ("", "unknown", ""),
])
def test_speaker_key_keeps_anonymous_and_group_speakers_in_their_article(speaker, stype, key):
    assert speaker_key(speaker, stype, "art-1") == key


def test_aliases_file(tmp_path):
    path = tmp_path / "aliases.tsv"
    path.write_text("# nicknames and spellings\nZelenskyy\tVolodymyr Zelensky\n\nVolodymyr Zelenskyy\tZelenskyy\n"
                    "Bibi\tBenjamin Netanyahu\n", encoding="utf-8")
    aliases = Aliases.read(path)
    # an alias of an alias ends at the last canonical name
    assert aliases == {"zelenskyy": "volodymyr zelensky", "volodymyr zelenskyy": "volodymyr zelensky",
                       "bibi": "benjamin netanyahu"}
    assert speaker_key("President Volodymyr Zelenskyy", "person", "a", aliases) == "volodymyr zelensky"
    assert speaker_key("Bibi", "person", "a", aliases) == "benjamin netanyahu"
    assert speaker_key("bibi", "anonymous", "a", aliases) == "bibi@a"  # never merged


def test_aliases_file_errors_name_the_line(tmp_path):
    path = tmp_path / "aliases.tsv"
    path.write_text("Zelenskyy\tVolodymyr Zelensky\nno tab here\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"line 2: expected 'alias<TAB>canonical name', got 'no tab here'"):
        Aliases.read(path)


QUOTE = "We will not balance this budget on the backs of our libraries and our parks"


@pytest.mark.parametrize("copy, joins", [
    (QUOTE, True),
    (f"“{QUOTE.upper()}!”", True),                                                    # marks, case, punctuation
    ("We will not balance this budget on the backs of our libraries", True),          # cut at the end
    ("this budget on the backs of our libraries and our parks", True),                # cut at the start
    ("We will not balance this budget on the backs of all libraries and our parks", True),  # a word changed
    ("We will not balance the budget on the backs of the libraries and our parks", True),   # two in the middle
    ("We will balance this budget without touching the libraries or parks at all", False),
])
def test_wire_copies_share_a_group(copy, joins):
    groups = QuoteGroups()
    first = groups.assign("zoe muller", QUOTE, "ap")
    assert (groups.assign("zoe muller", copy, "herald") == first) is joins


def test_groups_need_the_same_speaker_key_and_short_quotes_match_whole():
    groups = QuoteGroups()
    first = groups.assign("zoe muller", QUOTE, "ap")
    assert groups.assign("raj patel", QUOTE, "ap") != first
    short = groups.assign("zoe muller", "No comment.", "ap")
    assert groups.assign("zoe muller", "no comment", "herald") == short
    assert groups.assign("zoe muller", "No comment yet", "herald") != short
    assert groups.assign("", "No comment.", "x") != groups.assign("", "No comment.", "y")  # nobody: no group


def test_groups_of_earlier_runs_are_asked_once_per_speaker():
    asked = []

    def existing(key):
        asked.append(key)
        return [(QUOTE, "g-earlier")] if key == "zoe muller" else []
    groups = QuoteGroups(existing)
    assert groups.assign("zoe muller", QUOTE.replace("our parks", "parks"), "new") == "g-earlier"
    assert groups.assign("zoe muller", "Something else entirely, said twice", "new") != "g-earlier"
    groups.assign("raj patel", QUOTE, "new")
    assert asked == ["zoe muller", "raj patel"]
