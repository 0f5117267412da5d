"""More patterns, one small article each: verbs whose class depends on what they govern, headline labels,
clauses that go on after a quote, quoted titles before a cue, three ASCII apostrophes."""
import pytest

from quotesearch.extraction.pipeline import extract_text


def texts(text):
    return [(s.kind, s.speaker, s.text) for s in extract_text("Headline\n\n" + text)]


@pytest.mark.parametrize("sentence, speaker, text", [
    ("Clinton reiterated that she did not want combat troops in Syria.", "Clinton",
     "she did not want combat troops in Syria"),                                        # a quote-class verb
    ("The campaign responded that the claims were false.", "The campaign", "the claims were false"),
    ("Ana Ruiz joked that the weather was better in Iowa.", "Ana Ruiz", "the weather was better in Iowa"),  # manner
])
def test_quote_and_manner_verbs_report_a_clause_after_that(sentence, speaker, text):
    assert texts(sentence) == [("indirect", speaker, text)]


@pytest.mark.parametrize("sentence", [
    "Ana Ruiz recalled the night of the fire.",      # no clause
    "Ana Ruiz joked about the weather all evening.",
    "She shouted at the crowd for an hour.",
])
def test_quote_and_manner_verbs_without_that_report_nothing(sentence):
    assert texts(sentence) == []


@pytest.mark.parametrize("headline", [
    "The Latest: Sanders wins Minnesota caucuses",
    "BOOM: Trump Just Fired A Five-Word Missile At His Rival",
    "Revealed: The Delegates Planning To Block The Nominee",
])
def test_headline_section_labels_are_not_speakers(headline):
    assert [s.speaker for s in extract_text(headline + "\n\nThe count went on all night.")] == []


def test_headline_name_before_a_colon_is_a_speaker():
    found = extract_text("Lynch: No outside influence on the inquiry\n\nLoretta Lynch spoke on Tuesday.")
    assert [(s.speaker, s.text) for s in found] == [("Loretta Lynch", "No outside influence on the inquiry")]


@pytest.mark.parametrize("sentence, kind, text", [
    ("Ann Lee said “it gets me mad” every time she thinks about it.", "mixed",
     "“it gets me mad” every time she thinks about it"),                       # the clause goes on after the quote
    ("Ann Lee said, “I have not heard that concern” from the police – a point others made too.", "mixed",
     "“I have not heard that concern” from the police"),                      # up to an aside
    ("Ann Lee said “thank you very much” and left the room.", "direct", "thank you very much"),  # a new predicate
    ("Ann Lee said “we will see.” Then she left.", "direct", "we will see."),
])
def test_words_after_a_quote_that_go_on_its_clause(sentence, kind, text):
    assert texts(sentence) == [(kind, "Ann Lee", text)]


def test_noun_forms_of_speech_verbs_before_their_head_are_not_cues():
    assert texts("Oklahoma state senator Ann Lee voted against the bill.") == []
    assert texts("Capito states that the bill will pass.") == [("indirect", "Capito", "the bill will pass")]


def test_a_quoted_title_before_a_cue_with_its_own_clause_is_not_the_statement():
    found = texts("On Fox News’s “Sunday Morning Futures,” Rep. Ann Lee said the budget office had lied about the costs.")
    assert found == [("indirect", "Ann Lee", "the budget office had lied about the costs")]
    # without a clause of its own, the cue still frames the quote's clause
    assert texts("He put the memo in a “burn bag,” the Times reported.") == [
        ("mixed", "Times", "He put the memo in a “burn bag")]


def test_three_apostrophes_close_a_single_and_a_double_quote():
    assert texts("''We are told that the region is a case apart, 'it is a special case,''' Ann Lee said.") == [
        ("direct", "Ann Lee", "We are told that the region is a case apart, 'it is a special case,'")]


def test_an_ing_cue_after_a_quote_is_no_inverted_frame():
    found = texts("Ann Lee blamed the gaffe on a “bad earpiece,” claiming he had previously disavowed the group.")
    assert [(kind, speaker) for kind, speaker, _ in found] == [("mixed", "Ann Lee")]
    assert found[0][2].endswith("claiming he had previously disavowed the group")




@pytest.mark.parametrize("sentence, speaker, role", [
    ("“We are ahead,” said Clinton campaign manager Robby Mook.", "Robby Mook", "Clinton campaign manager"),
    ("“It was a bad night,” said Montclair State University political scientist Brigid Harrison.",
     "Brigid Harrison", "Montclair State University political scientist"),
])
def test_a_name_before_a_lowercase_role_and_a_name_is_part_of_the_role(sentence, speaker, role):
    found = extract_text("Headline\n\n" + sentence)
    assert [(s.speaker, s.role) for s in found] == [(speaker, role)]


@pytest.mark.parametrize("sentence, speaker", [
    ("A producer for Yahoo Studios told the newspaper that the show was canceled.", "A producer for Yahoo Studios"),
    ("A slew of party leaders said the convention would go on.", "A slew of party leaders"),
])
def test_a_part_of_a_group_heads_the_speaker_phrase(sentence, speaker):
    assert [s for _, s, _ in texts(sentence)] == [speaker]


def test_a_plural_title_heads_a_speaker_phrase_with_a_prepositional_phrase():
    assert [s for _, s, _ in texts("His rivals for the party nomination said the race was far from over.")] == [
        "His rivals for the party nomination"]


@pytest.mark.parametrize("sentence, speaker, text", [
    ("Facing mounting criticism from Democrats, Mr. Trump released a new statement on Saturday night, saying that "
     "the soldier was a hero.", "Trump", "the soldier was a hero"),                    # a fronted participle
    ("At a campaign event in Ames, Iowa, on Sunday, Mrs. Clinton tried to clarify her remarks, saying that the "
     "country should lead.", "Clinton", "the country should lead"),                    # ", Place," and a date
    ("Walking to the next house, Ebeling talked about her childhood, and said the war changed her views.",
     "Ebeling", "the war changed her views"),
])
def test_a_fronted_adjunct_is_no_subject(sentence, speaker, text):
    assert texts(sentence) == [("indirect", speaker, text)]


def test_a_name_ending_in_ing_before_a_verb_is_a_subject():
    assert [s for _, s, _ in texts("Beijing considers the island part of its territory, calling the drills "
                                   "a “stern warning” to separatist forces.")] == ["Beijing"]


@pytest.mark.parametrize("sentence, speaker, text", [
    ("Minutes later, the Trump campaign issued a statement saying that Trump meant gun owners are unified.",
     "the Trump campaign", "Trump meant gun owners are unified"),
    ("A spokesperson for the committee issued a statement Friday, saying the talks would not resume.",
     "A spokesperson for the committee", "the talks would not resume"),
])
def test_a_document_issued_is_no_speaker(sentence, speaker, text):
    assert texts(sentence) == [("indirect", speaker, text)]


def test_a_noun_form_after_an_appositive_comma_is_the_verb():
    assert texts("Ann Lee, the mayor, claims the city is safe.") == [("indirect", "Ann Lee", "the city is safe")]
    assert texts("They made votes, calls and visits all week.") == []


def test_a_plural_speaker_noun_ends_before_its_verb():
    assert texts("Some Democratic strategists fear that turnout will drop and warn that the party is not ready.") == [
        ("indirect", "Some Democratic strategists", "the party is not ready")]
    assert [s for _, s, _ in texts("Senior administration officials familiar with the talks said the deal was close.")] \
        == ["Senior administration officials familiar with the talks"]


def test_a_second_cue_after_comma_and_is_a_second_statement():
    assert texts("Ann Lee said the plan would fail, and warned that costs had doubled.") == [
        ("indirect", "Ann Lee", "the plan would fail"), ("indirect", "Ann Lee", "costs had doubled")]
