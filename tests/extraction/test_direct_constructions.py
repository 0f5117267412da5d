"""Direct-quote constructions beyond "said X" (issue 13 §5–§7), each on sentences written for the test:
inverted quotes with any verb, dash signatures, em-dash action beats inside a quote, a quote after an
action sentence, "From X:" intro lines and a transcript's "X replied:", split quotes over a sentence
end, nested quote marks."""
from quotesearch.extraction.pipeline import extract_text


def run(body: str):
    return [(s.kind, s.text, s.speaker) for s in extract_text("Harbour board meets again\n\n" + body)]


def one(body: str):
    found = extract_text("Harbour board meets again\n\n" + body)
    assert len(found) == 1, [(s.kind, s.text, s.speaker) for s in found]
    return found[0]


# inverted quote: QUOTE, VERB NAME marks speech whatever the verb
def test_inverted_quote_with_a_verb_outside_the_list():
    s = one("“The ferry will not run again before the spring thaw,” wheezed Olaf Brenner.")
    assert (s.kind, s.text, s.speaker) == ("direct", "The ferry will not run again before the spring thaw",
                                           "Olaf Brenner")


def test_inverted_quote_with_a_present_verb_and_a_role():
    s = one("“Why should the night crews wait another month?” frets harbour pilot Mira Stead.")
    assert (s.kind, s.text, s.speaker, s.role) == ("direct", "Why should the night crews wait another month?",
                                                   "Mira Stead", "harbour pilot")


def test_inverted_verb_needs_a_name_that_ends_the_frame():
    # "proved Anna Blum right": the name runs on into a clause of its own, no speaker here
    assert run("“The bridge was never going to hold the weight,” proved Anna Blum right.") == []


# dash signature
def test_quote_signed_with_a_dash_and_a_titled_name():
    s = one("“The new pier will carry twice the freight we move today.” — Mayor Ines Kolar")
    assert (s.kind, s.text, s.speaker, s.role) == (
        "direct", "The new pier will carry twice the freight we move today.", "Ines Kolar", "Mayor")


def test_quote_signed_with_a_hyphen_glued_to_the_name():
    s = one("“Every trawler captain I asked wants the dredging finished first.” -Councillor Bram Otte")
    assert (s.text, s.speaker) == ("Every trawler captain I asked wants the dredging finished first.", "Bram Otte")


def test_dash_after_a_quote_followed_by_a_clause_is_no_signature():
    assert run("“Every trawler captain wants the dredging finished first.” — and the board agreed.") == []


# em-dash action beat inside a quote
def test_action_beat_between_two_halves_is_one_statement():
    s = one("“The ferry timetable is”—Councillor Noor Haddad tapped the folder—“not going to change this winter.”")
    assert (s.kind, s.speaker) == ("direct", "Noor Haddad")
    assert s.text == "The ferry timetable is … not going to change this winter."
    assert len(s.spans) == 2


def test_action_beat_then_a_cue_takes_the_cue():
    s = one("“The ferry timetable is”—he tapped the folder—“not going to change,” said Councillor Noor Haddad.")
    assert (s.speaker, len(s.spans)) == ("Noor Haddad", 2)


# a quote after an action sentence with no speech verb
def test_quote_after_an_action_sentence_belongs_to_its_subject():
    s = one("Captain Elsa Vang walked to the end of the jetty. “We cannot keep patching this wood.” "
            "The gulls scattered.")
    assert (s.kind, s.text, s.speaker) == ("direct", "We cannot keep patching this wood.", "Elsa Vang")


def test_quote_after_a_sentence_with_two_clauses_is_not_taken():
    # "The board refused, but Elsa Vang …": whose quote it is is not clear from the sentence alone
    assert run("The board refused, but Elsa Vang stayed on the jetty. “We cannot keep patching this wood.”") == []


# intro lines before a quote paragraph
def test_from_line_names_the_speaker_of_the_next_quote_paragraph():
    found = extract_text("Harbour board names new pilot\n\nRika Moll has been named chief pilot.\n\n"
                         "And from Chairwoman Tasha Brandvold:\n\n“Rika has steered more ships into this harbour "
                         "than anyone I know.”\n\nFrom the office of Leon Ferro, port economist, Sundby Trust:"
                         "\n\n“A pilot who knows the channel is worth a new crane.”")
    assert [(s.kind, s.text, s.speaker) for s in found] == [
        ("direct", "Rika has steered more ships into this harbour than anyone I know.", "Tasha Brandvold"),
        ("direct", "A pilot who knows the channel is worth a new crane.", "Leon Ferro")]


def test_transcript_answer_after_replied_colon():
    found = extract_text("Minister questioned on ferries\n\nThe minister spoke on a radio programme.\n\n"
                         "Pressed on the subsidy, Minister Ruth Avanzi replied:\n\n"
                         "We have never cut it. We will not cut it next year either.")
    assert [(s.kind, s.text, s.speaker) for s in found] == [
        ("direct", "We have never cut it. We will not cut it next year either.", "Ruth Avanzi")]


def test_a_list_of_points_after_said_colon_is_not_a_transcript_answer():
    found = extract_text("Minister questioned on ferries\n\nIn the interview, Minister Ruth Avanzi said:"
                         "\n\nThe subsidy stays in place for three more years")
    assert all(s.kind != "direct" for s in found)


def test_an_adjective_before_the_name_leaves_the_cue_after_it():
    s = one("“The channel has silted up faster than anyone planned,” retired Captain Ivo Sand told the Gazette.")
    assert (s.speaker, s.cue, s.given_to) == ("Ivo Sand", "told", "the Gazette")


# nested quote marks, both directions: the statement keeps the inner marks
def test_single_marks_inside_double_marks_are_kept():
    s = one("“The sign said ‘no ferries after dark’ and we believed it,” said Ann Volk.")
    assert (s.kind, s.text, s.speaker) == ("direct", "The sign said ‘no ferries after dark’ and we believed it",
                                           "Ann Volk")


def test_double_marks_inside_single_marks_are_kept():
    found = extract_text("Harbour board meets again\n\n‘The sign said “no ferries after dark” and we believed it,’ "
                         "said Ann Volk.\n\n‘Nobody on the quay reads the posters,’ said Per Lind.")
    assert [(s.kind, s.text, s.speaker) for s in found] == [
        ("direct", "The sign said “no ferries after dark” and we believed it", "Ann Volk"),
        ("direct", "Nobody on the quay reads the posters", "Per Lind")]


def test_action_beat_with_a_pronoun_goes_to_the_person_before():
    found = extract_text("Harbour board meets again\n\nCouncillor Ruth Amsel spoke last.\n\n"
                         "“The ferry is”—she paused—“finished for this year.”")
    assert [(s.kind, s.text, s.speaker) for s in found] == [
        ("direct", "The ferry is … finished for this year.", "Ruth Amsel")]


# a quote paragraph with no cue after a paragraph about someone else
def test_quote_paragraph_after_a_paragraph_about_someone_else_is_theirs():
    found = extract_text("Harbour board meets again\n\nJo Park said the ferry would run all winter.\n\n"
                         "Mayor Ines Kolar walked along the quay on Monday.\n\n“We cannot keep patching this pier.”")
    assert [(s.kind, s.text, s.speaker) for s in found] == [
        ("indirect", "the ferry would run all winter", "Jo Park"),
        ("direct", "We cannot keep patching this pier.", "Ines Kolar")]


def test_a_quote_that_names_the_person_is_not_by_them():
    found = extract_text("Harbour board meets again\n\nJo Park said the ferry would run all winter.\n\n"
                         "Mayor Ines Kolar was named harbour chief on Monday.\n\n“Ines knows every pier on this coast.”")
    assert [s.speaker for s in found] == ["Jo Park", "Jo Park"]


def test_quote_then_name_then_any_verb():
    s = one("“The ferry will not run again before the spring thaw,” Olaf Brenner wheezed.")
    assert (s.kind, s.text, s.speaker, s.cue) == ("direct", "The ferry will not run again before the spring thaw",
                                                  "Olaf Brenner", "wheezed")


def test_quote_then_name_then_a_verb_with_an_object_is_not_a_frame():
    assert run("“Never,” Anna Blum proved the point.") == []


def test_quote_split_by_a_cue_between_dashes_is_one_statement():
    s = one("“The ferry timetable is”—said Councillor Noor Haddad—“not going to change this winter.”")
    assert (s.kind, s.speaker, s.text) == ("direct", "Noor Haddad",
                                           "The ferry timetable is … not going to change this winter.")
