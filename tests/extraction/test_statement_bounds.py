"""Where a reported statement begins and ends, and which cues report nothing (issue 13 §5, §6, §9).
Every sentence here is written for these tests."""
from quotesearch.extraction.pipeline import extract_text


def records(text):
    return [(s.kind, s.speaker, s.text) for s in extract_text("Headline\n\n" + text)]


# -- F3: a reported clause ends before a second cue --------------------------------------------

def test_coordinated_cue_is_a_second_statement_of_the_same_speaker():
    assert records("Senator Mark Bell said the port was safe and questioned if the audit was needed at all.") == [
        ("indirect", "Mark Bell", "the port was safe"),
        ("indirect", "Mark Bell", "if the audit was needed at all"),
    ]


def test_coordinated_content_is_not_cut():
    # "and" joining two clauses of what was said, or two participles of a passive, is content
    assert records("Rhea Moss said the bridge was closed and the ferry was late.") == [
        ("indirect", "Rhea Moss", "the bridge was closed and the ferry was late")]
    assert records("Rhea Moss said the plan was questioned and criticised by the board.") == [
        ("indirect", "Rhea Moss", "the plan was questioned and criticised by the board")]


def test_participle_cue_is_a_second_statement():
    assert records("The ministry has vowed it would never sell the harbour, calling the offer a “cheap insult” "
                   "to the town.") == [
        ("indirect", "The ministry", "it would never sell the harbour"),
        ("mixed", "The ministry", "the offer a “cheap insult” to the town"),
    ]


def test_saying_goes_on_with_the_statement():
    assert records("Rhea Moss said the bridge was closed, saying the storm had damaged it.") == [
        ("indirect", "Rhea Moss", "the bridge was closed, saying the storm had damaged it")]


def test_new_subject_with_its_own_cue_after_a_comma():
    assert records("Though officials have said the delay was technical, traders have claimed that the port "
                   "is corrupt.") == [
        ("indirect", "officials", "the delay was technical"),
        ("indirect", "traders", "the port is corrupt"),
    ]
