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


# -- F8: datelines; headlines that name a topic ------------------------------------------------

def test_colon_dateline_is_no_statement():
    assert extract_text("Night market grows\n\nKORALE: THE stalls near the ferry stay open until midnight "
                        "now that the lamps work.\n\nTraders sell fish.") == []
    found = extract_text("Night market grows\n\nA line under the headline\n\nPORT ELLA: The ferry company has "
                         "raised its fares for the third time this year, traders said.")
    assert [(s.speaker, s.text) for s in found] == [
        ("traders", "The ferry company has raised its fares for the third time this year")]


def test_transcript_labels_are_not_datelines():
    found = extract_text("An interview\n\nANNA BELLO: Why did the ferry company raise its fares again?\n\n"
                         "TOMAS REED: We lost money on every single crossing this winter.\n\nANNA BELLO: And the fuel?")
    assert [s.speaker for s in found] == ["ANNA BELLO", "TOMAS REED"]


def test_headline_naming_a_topic_is_no_statement():
    assert extract_text("Talks stall as minister warns of regional infighting\n\n"
                        "The talks ended on Tuesday without an agreement.") == []
    found = extract_text("Minister says the talks will fail\n\nThe talks ended on Tuesday.")
    assert [(s.speaker, s.text) for s in found] == [("Minister", "the talks will fail")]


# -- F9: cues in a non-speech sense; a document or plural noun as the subject of a cue ---------

def test_territorial_participle_is_no_statement():
    assert records("The ships entered a lagoon claimed almost entirely by Veltria.") == []
    # a speaker's own "claimed by phone that …" is still a statement
    assert records("Mona Reyes claimed by phone that the lagoon was hers.") == [
        ("indirect", "Mona Reyes", "the lagoon was hers")]


def test_cue_forms_inside_noun_phrases_are_no_cues():
    assert records("A Kelso reporting station logged no frost, said Ed Pike.") == [
        ("indirect", "Ed Pike", "A Kelso reporting station logged no frost")]
    assert records("The law lists five northern states that have banned the product this year.") == []


def test_document_and_plural_subjects_of_a_cue():
    assert records("The indictment claims that the unrest was planned well in advance.") == [
        ("indirect", "The indictment", "the unrest was planned well in advance")]
    assert records("The fishermen claim that the patrol boats rammed them twice.") == [
        ("indirect", "The fishermen", "the patrol boats rammed them twice")]
    assert records("Officials dismissed the false claims that the vote was rigged.") == []


# -- F6: adverbials between auxiliary and cue, adverbs between cue and "that" -------------------

def test_time_phrase_between_auxiliary_and_cue_is_not_the_speaker():
    assert records("Council economist Idris Sow has over the past few months repeatedly warned that prices "
                   "will rise.") == [("indirect", "Idris Sow", "prices will rise")]
    assert records("Idris Sow has in recent weeks said that prices will rise.") == [
        ("indirect", "Idris Sow", "prices will rise")]


def test_adverb_between_cue_and_that():
    assert records("Idris Sow says outright that prices will rise.") == [
        ("indirect", "Idris Sow", "prices will rise")]
    # a relative "that" inside the clause stays in it
    assert records("Idris Sow said the family that owns the mill was broke.") == [
        ("indirect", "Idris Sow", "the family that owns the mill was broke")]


# -- F4: cue, comma, adjunct, content ------------------------------------------------------------

def test_adjunct_after_the_cue_opens_the_content():
    assert records("Kofi Arden runs a stall. He says, apart from the cold, the customers were not coming.") == [
        ("indirect", "Kofi Arden", "apart from the cold, the customers were not coming")]
    assert records("Kofi Arden runs a stall. He adds, when the lamps are on, more buyers come to the market.") == [
        ("indirect", "Kofi Arden", "when the lamps are on, more buyers come to the market")]


def test_quote_or_that_clause_after_an_adjunct():
    assert records("Kofi Arden runs a stall. He says, in the darkness, “nobody buys anything from us.”") == [
        ("direct", "Kofi Arden", "nobody buys anything from us.")]
    assert records("Kofi Arden said, for example, that the plan was never voted on.") == [
        ("indirect", "Kofi Arden", "the plan was never voted on")]
    assert records("Kofi Arden runs a stall. He said, in an interview.") == []


def test_adjunct_after_a_cue_that_follows_a_fronted_clause():
    assert records("Ama Boat sells maize. Though the traders do not know who paid for the lamps, she says, "
                   "compared to last year, “It was hard to find buyers after dark.”") == [
        ("direct", "Ama Boat", "It was hard to find buyers after dark.")]
    # a fronted clause before a plain parenthetical cue stays part of what was said
    assert records("Ama Boat sells maize. If the lamps fail, she said, the market will close early.") == [
        ("indirect", "Ama Boat", "If the lamps fail … the market will close early")]


def test_headline_topic_labels_are_no_speakers():
    body = "\n\nThe towns counted the cost on Monday."
    assert extract_text("Storm 2026: Harbour towns count the cost of the floods" + body) == []
    assert extract_text("Ports and Rails: How the strike spread along the coast" + body) == []
    found = extract_text("Mensah: No deal on the harbour this year" + body)
    assert [(s.speaker, s.text) for s in found] == [("Mensah", "No deal on the harbour this year")]


def test_venue_before_a_cue_that_opens_a_list_is_no_statement():
    assert records("In a wide-ranging interview, Mayor Ada Kwan also said:") == []
    # a venue phrase fronted before a parenthetical cue stays in what was said
    assert records("At a rally in Kelso, Ada Kwan said, the crowd booed the port plan.") == [
        ("indirect", "Ada Kwan", "At a rally in Kelso … the crowd booed the port plan")]


def test_clause_ends_before_a_coordinated_act_that_reports_nothing():
    assert records("Akua Mensah said the budget was late, and blamed a rival party without naming it.") == [
        ("indirect", "Akua Mensah", "the budget was late")]


# -- appointments: "confirm X as Y" names someone to a post ----------------------------------------

def test_an_appointment_verb_with_an_object_and_as_is_no_statement():
    assert extract_text("Headline\n\nThe Dunmore council on Friday named Priya Okafor as its new treasurer.") == []
    assert extract_text("Headline\n\nThe senate confirmed the banker as head of the central bank.") == []


def test_an_appointment_headline_naming_a_post_is_no_statement():
    assert extract_text("Council confirms new harbour master\n\nThe vote was close.") == []


def test_an_appointment_verb_reporting_a_clause_is_still_a_statement():
    [st] = extract_text("Headline\n\nThe mayor confirmed that the bridge will close in May.")
    assert (st.speaker, st.kind, st.text) == ("The mayor", "indirect", "the bridge will close in May")
