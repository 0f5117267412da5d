"""Speaker phrase boundaries and frames (issue 13 §4, §6): one invented sentence per rule."""
from quotesearch.extraction.pipeline import extract_text


def records(text):
    return [(s.kind, s.speaker, s.role, s.text) for s in extract_text("Headline\n\n" + text)]


# -- §4 "said ROLE, NAME" and "TITLE of X, NAME, said" ------------------------------------

def test_said_role_comma_name_direct():
    assert records('"We will keep the ferry running all winter," said a spokesman for the harbour board, '
                   'Tomas Ferrel.') == [("direct", "Tomas Ferrel", "a spokesman for the harbour board",
                                         "We will keep the ferry running all winter")]


def test_said_role_comma_name_reported():
    assert records("The ferry will keep running, said a spokeswoman for the council, Greta Olund.") == [
        ("indirect", "Greta Olund", "a spokeswoman for the council", "The ferry will keep running")]


def test_said_role_comma_name_with_more_words_is_no_name():
    # the words after the comma are a clause, not a bare name: the role phrase stays the speaker
    got = records('"The road is shut," said a spokesman for the police, Tuesday evening traffic aside.')
    assert [r[1] for r in got] == ["a spokesman for the police"]


def test_title_of_place_comma_name_comma_said():
    assert records("Minister of Fisheries, Anna Kell, said the quota would be cut.") == [
        ("indirect", "Anna Kell", "Minister of Fisheries", "the quota would be cut")]


# -- §4 fronted time phrases ---------------------------------------------------------------

def test_fronted_time_phrase_is_no_subject():
    got = records("Minutes after the whistle, captain Lio Marsh walked off the pitch, saying the referee "
                  "had been unfair.")
    assert got == [("indirect", "Lio Marsh", "captain", "the referee had been unfair")]


def test_subject_before_after_phrase_without_comma_is_kept():
    got = records("Judge Ines Varro after the hearing walked out, saying the ruling would stand.")
    assert [(r[1], r[3]) for r in got] == [("Ines Varro", "the ruling would stand")]


def test_case_12_spokesman_appositive():
    """The shared case file (skipped without ../shared): every expected statement, right speaker and
    kind, and no other record."""
    import json
    from pathlib import Path
    import pytest
    base = Path(__file__).resolve().parents[3] / "shared" / "cases" / "12-spokesman-appositive-name"
    if not base.with_suffix(".txt").exists():
        base = Path(__file__).resolve().parents[3] / "shared" / "cases" / "12-spokesman-appositive-name"
    if not base.with_suffix(".txt").exists():
        pytest.skip("shared cases not available")
    expected = [json.loads(line) for line in base.with_suffix(".expected.jsonl").read_text().splitlines() if line]
    got = extract_text(base.with_suffix(".txt").read_text())
    assert [(s.kind, s.speaker.lower()) for s in got] == [(e["kind"], e["speaker"].lower()) for e in expected]


# -- §4 lists and titles are not cut to their last part ------------------------------------

def test_example_list_before_cue_is_the_whole_subject():
    assert records("Nations like Norway, Chile, and Peru say they will cut the quotas.") == [
        ("indirect", "Nations like Norway, Chile, and Peru", None, "they will cut the quotas")]


def test_example_list_subject_of_participle():
    got = records("Nations like Norway, Chile and Peru have set quotas for years, saying they aim to protect "
                  "the stocks.")
    assert [(r[1], r[3]) for r in got] == [("Nations like Norway, Chile and Peru", "they aim to protect the stocks")]


def test_such_as_list():
    assert [r[1] for r in records("Groups such as Oxfam and Amnesty said the talks had failed.")] == [
        "Groups such as Oxfam and Amnesty"]


def test_document_title_with_comma():
    got = records("The council is buying boats as Fleet Review Report, 2021 Harbour District report indicates "
                  "the old ones leak.")
    assert got == [("indirect", "Fleet Review Report, 2021 Harbour District report", None, "the old ones leak")]


# -- §6 frames ------------------------------------------------------------------------------

def test_urge_addressee_to():
    assert records("Mayor Ola Brun urged the council to reopen the library before winter.") == [
        ("indirect", "Ola Brun", "Mayor", "to reopen the library before winter")]


def test_urge_without_content_is_no_statement():
    assert records("Mayor Ola Brun urged restraint.") == []


def test_attributing_quoted_fragment_to():
    got = records('Senator Ivo Rask spoke for an hour, attributing "online sabotage" to foreign agents.')
    assert got == [("mixed", "Ivo Rask", "Senator", '"online sabotage" to foreign agents')]


def test_possessive_addressee_is_skipped_whole():
    assert records("Coach Eva Lind told her players that the final is on Sunday.") == [
        ("indirect", "Eva Lind", "Coach", "the final is on Sunday")]


# -- §6 noun cues with a possessor ----------------------------------------------------------

def test_possessive_pronoun_speech_noun_that_quote():
    got = records('Ivo Rask spoke in Tartu. His remarks that "the river is dying" followed a protest by farmers.')
    assert got == [("mixed", "Ivo Rask", None, '"the river is dying"')]


def test_possessive_name_speech_noun_that_quote():
    got = records('The farmers met in Tartu. Ivo Rask\'s warning that "the river is dying" was ignored.')
    assert [(r[0], r[1], r[3]) for r in got] == [("mixed", "Ivo Rask", '"the river is dying"')]


def test_speech_noun_without_quote_is_no_statement():
    assert records("Ivo Rask spoke in Tartu. Her claim that the river is dying was ignored.") == []


def test_refer_to_as_in_relative_clause():
    got = records('Ruth Amadi was watched long before the strike, which her lawyer Tom Abel referred to as '
                  'police "bullying" of his client.')
    assert [(r[0], r[1], r[3]) for r in got] == [("mixed", "Tom Abel", 'police "bullying" of his client')]


def test_refer_to_object_as():
    got = records('The mayor referred to the new bridge as a "white elephant" on Monday.')
    assert [(r[0], r[1], r[3]) for r in got] == [("mixed", "The mayor", 'a "white elephant" on Monday')]


# -- §4 fronted phrases with a dash aside ---------------------------------------------------

def test_fronted_phrase_with_double_hyphen_aside():
    got = records("In March -- only weeks before the election -- Varga spoke at a rally, asserting that the vote "
                  "would be fair.")
    assert got == [("indirect", "Varga", None, "the vote would be fair")]


def test_fronted_phrase_with_em_dash_aside():
    got = records("In March — only weeks before the election — Varga spoke at a rally, saying the vote would be fair.")
    assert [(r[1], r[3]) for r in got] == [("Varga", "the vote would be fair")]


# -- §4 a time phrase between the auxiliary and the cue --------------------------------------

def test_time_phrase_between_auxiliary_and_cue():
    got = records("Council economist Idris Sow has over the past few months repeatedly warned that prices will rise.")
    assert got == [("indirect", "Idris Sow", "Council economist", "prices will rise")]


def test_time_phrase_in_the_last_weeks():
    got = records("The minister has in the last two weeks said that the bridge is safe.")
    assert [(r[1], r[3]) for r in got] == [("The minister", "the bridge is safe")]


# -- §4 coordinated subjects ------------------------------------------------------------------

def test_coordinated_subject_is_not_cut_to_last_conjunct():
    assert [r[1] for r in records("The mayor and the police chief said the bridge is safe.")] == [
        "The mayor and the police chief"]


def test_name_and_colleagues():
    got = records("Teri Holm of Lakeside University and her colleagues say the lamps save energy.")
    assert [(r[1], r[3]) for r in got] == [("Teri Holm of Lakeside University and her colleagues",
                                            "the lamps save energy")]


def test_and_joining_clauses_is_no_coordinated_subject():
    got = records("The bridge was closed and the mayor said the repairs would take a month.")
    assert [r[1] for r in got] == ["the mayor"]


def test_and_joining_role_words_keeps_the_name():
    got = records("Journalist and author Pia Holm said the archive was lost.")
    assert [r[1] for r in got] == ["Pia Holm"]


# -- §6 a quote-only verb as a parenthetical inside what was said ----------------------------

def test_quote_only_verb_parenthetical_reports_the_clause():
    got = extract_text("Headline\n\nThe real cause, Mariam narrates, is that the shops closed early.")
    assert [(s.kind, s.speaker, s.text) for s in got] == [
        ("indirect", "Mariam", "The real cause … is that the shops closed early")]


def test_quote_only_verb_without_parenthetical_stays_no_statement():
    assert records("The film narrates the life of a fisherman.") == []


# -- §4 "NAME of ORG" -------------------------------------------------------------------------

def test_name_of_organization_is_a_person_with_an_organization():
    got = extract_text("Headline\n\nTeri Holm of Lakeside University said the lamps save energy.")
    assert [(s.speaker, s.speaker_type, s.organization, s.text) for s in got] == [
        ("Teri Holm", "person", "Lakeside University", "the lamps save energy")]


def test_one_name_with_of_stays_one_organization():
    assert [r[1] for r in records("The Royal Bank of Scotland said profits fell.")] == ["Royal Bank of Scotland"]
    assert [r[1] for r in records("Bank of America said profits fell.")] == ["Bank of America"]


def test_urge_addressee_with_relative_clause_reaches_the_infinitive():
    got = records("This newspaper is urging readers who back the campaign to write to their councillors.")
    assert got == [("indirect", "This newspaper", None, "to write to their councillors")]


def test_urged_to_without_addressee_is_passive_no_statement():
    # a headline drops the "were": "Residents urged to avoid …" names who was urged, not a speaker
    assert records("Residents urged to avoid the flooded roads.") == []
