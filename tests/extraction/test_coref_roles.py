"""Roles and speakers resolved across an article (issue 13 §2, §3, §8, §9): invented sentences."""
import os

from quotesearch.extraction.coreference import sane_role
from quotesearch.extraction.pipeline import extract_text


def _one(text, needle):
    found = [s for s in extract_text(text) if needle in s.text]
    assert len(found) == 1, [(s.text, s.speaker) for s in extract_text(text)]
    return found[0]


def test_a_relative_clause_is_no_role():
    text = ("The ferry will run again in May.\n\n"
            "Tomas Erlund, who joined the harbour board in 2019, said the pier was safe.\n")
    s = _one(text, "pier was safe")
    assert (s.speaker, s.role) == ("Tomas Erlund", None)


def test_an_age_is_no_role_but_the_role_after_it_is():
    text = ("Storms hit the coast.\n\n"
            "Ilse Varga, 61, a Brenholm fisher, said the catch had halved.\n")
    s = _one(text, "catch had halved")
    assert (s.speaker, s.role) == ("Ilse Varga", "a Brenholm fisher")


def test_sane_role_cuts_clauses_years_and_quotes():
    assert sane_role("34") == ""
    assert sane_role("in 2017") == ""
    assert sane_role("a carpenter, who built the hall") == "a carpenter"
    assert sane_role("who is a trader at the market") == "a trader at the market"
    assert sane_role("a director at Kell Mining and was chief of staff") == "a director at Kell Mining"
    assert sane_role("the plan has been delayed") == ""
    assert sane_role("noting that prices rose") == ""
    assert sane_role("joined by her deputy") == ""
    assert sane_role("retired Gen.") == "retired Gen."
    assert sane_role("“a disgrace”") == ""
    assert sane_role("on short-term contracts") == ""
    assert sane_role("the council approved the plan") == ""
    assert sane_role("Kell’s") == ""
    assert sane_role("Kell’s parliament last") == "Kell’s parliament"
    assert sane_role("a former mayor who’s spent nine years in office") == "a former mayor"


def test_a_role_stated_anywhere_goes_to_every_statement_of_the_person():
    text = ("Harbour probe opens\n\n"
            "“The cranes were never inspected,” Pell said.\n\n"
            "The first witness was Port Authority head Brig-Gen Ivo Pell, who led the probe.\n\n"
            "Pell said the logs had been lost.\n")
    found = [(s.speaker, s.role) for s in extract_text(text)]
    assert found == [("Ivo Pell", "Port Authority head Brig-Gen")] * 2


def test_a_possessive_role_before_a_name_keeps_its_possessive():
    text = ("Court hears tweets case\n\n"
            "The riots, which her advocate Dali Morn called a tragedy, were discussed.\n\n"
            "Morn said the tweets harmed no one.\n")
    s = _one(text, "harmed no one")
    assert (s.speaker, s.role) == ("Dali Morn", "her advocate")


def test_role_comma_name_says():
    text = ("Lights for the town\n\n"
            "After the works, the Kell Municipal Director, Jon Satu says, the road is ready.\n\n"
            "Regional Commissioner of Kell, Ada Zimba says more towns will follow.\n")
    got = [(s.speaker, s.role) for s in extract_text(text)]
    assert got == [("Jon Satu", "the Kell Municipal Director"), ("Ada Zimba", "Regional Commissioner of Kell")]


def test_a_role_after_a_copula():
    text = ("Market stalls\n\n"
            "Tara Vell is a mother of two. She sells fish.\n\n"
            "Vell says the stalls stay open late.\n")
    s = _one(text, "stalls stay open")
    assert (s.speaker, s.role) == ("Tara Vell", "a mother of two")


def test_a_pronoun_tells_the_gender_of_the_person_it_resolved_to():
    text = ("Budget row\n\nMika Sorel spoke first.\n\nShe said the plan was late.\n\n"
            "The next speaker was council clerk Jonas Pirin.\n\nHe said the budget was short.\n")
    assert [(s.speaker, s.mention) for s in extract_text(text)] == [("Mika Sorel", "She"), ("Jonas Pirin", "He")]


def test_an_organisation_before_a_role_is_no_person_and_goes_in_organization():
    text = ("Rates\n\nVarrow Analytics chief economist Lotte Brink expects a cut. She said inflation was falling.\n\n"
            "Varrow Analytics said rates would fall.\n")
    got = [(s.speaker, s.speaker_type, s.role, s.organization) for s in extract_text(text)]
    assert got == [("Lotte Brink", "person", "Varrow Analytics chief economist", "Varrow Analytics"),
                   ("Varrow Analytics", "organization", None, "Varrow Analytics")]


def test_a_role_cut_in_the_speech_sentence_takes_the_whole_role_the_article_states():
    text = ("Trial opens\n\nEarlier, state advocate Yuri Gorn said the case was strong.\n\n"
            "Kell's Chief of Army Staff General Asim Varr has warned that unrest is growing.\n")
    got = [(s.speaker, s.role, s.organization) for s in extract_text(text)]
    assert got == [("Yuri Gorn", "state advocate", None),
                   ("Asim Varr", "Kell's Chief of Army Staff General", "Army Staff")]


def test_an_organisation_named_by_its_kind_resolves_to_the_organisation_named_before():
    text = ("Port closed\n\nThe Kestrel Bureau of Harbours and Piers said the port was shut.\n\n"
            "Mayor Ida Holm spoke next. Later the bureau said it would reopen. It said ships waited.\n")
    got = [(s.speaker, s.speaker_type, s.mention) for s in extract_text(text)]
    assert got == [("Kestrel Bureau of Harbours and Piers", "organization", "The Kestrel Bureau of Harbours and Piers"),
                   ("Kestrel Bureau of Harbours and Piers", "organization", "the bureau"),
                   ("Kestrel Bureau of Harbours and Piers", "organization", "It")]


def test_a_person_description_resolves_by_gender_and_gives_its_words_as_role():
    text = ("Market\n\nOla Brenn fixes nets. Aisha Moha sells maize. She says sales doubled.\n\n"
            "The mother of three says the lights help.\n\n“It is safe now,” says the woman who sells fish.\n")
    got = [(s.speaker, s.role, s.mention) for s in extract_text(text)]
    assert got == [("Aisha Moha", "mother of three", "She"), ("Aisha Moha", "mother of three", "The mother of three"),
                   ("Aisha Moha", "mother of three", "the woman")]


def _speakers(text):
    return [(s.speaker, s.speaker_type) for s in extract_text(text)]


def test_a_time_phrase_is_never_part_of_a_name():
    assert _speakers("Votes\n\nThe plan is late, said Jane Dorr on Monday.\n") == [("Jane Dorr", "person")]


def test_partial_names_of_three_part_names():
    text = ("Funds\n\nOsei K. Brandt runs the fund. “We wait,” Mr. Brandt said.\n\n"
            "Anders Holm Vik spoke. Holm Vik said the port was closed.\n")
    assert _speakers(text) == [("Osei K. Brandt", "person"), ("Anders Holm Vik", "person")]


def test_places_are_not_persons():
    text = "Talks\n\nManila said the ship left. Finland said it would join the pact.\n"
    assert _speakers(text) == [("Manila", "organization"), ("Finland", "organization")]


def test_a_husband_and_wife_sharing_a_surname_by_title_gender():
    text = ("Dinner\n\nNinette Simons and her husband Paul Simons attended. Mr Simons said the food was cold. "
            "Mrs Simons said it was fine.\n")
    assert _speakers(text) == [("Paul Simons", "person"), ("Ninette Simons", "person")]


def test_a_titled_person_is_found_by_the_title():
    text = ("Bridge\n\nQueen Ingrid opened the bridge. Tom Ayre watched. The Queen said the bridge was beautiful.\n")
    assert [(s.speaker, s.role) for s in extract_text(text)] == [("Queen Ingrid", "Queen")]


def test_role_and_place_words_are_not_glued_onto_a_name():
    text = "Games\n\nBrowns DL Sheldon Rich said the team was ready. Kellshire Joshua Levy said it rained.\n"
    got = [(s.speaker, s.role) for s in extract_text(text)]
    assert got[0] == ("Sheldon Rich", "Browns DL")
    text = "Games\n\nMassachusetts Joshua Levy said it rained.\n"
    assert [(s.speaker, s.role) for s in extract_text(text)] == [("Joshua Levy", "Massachusetts")]


def test_a_person_introduced_after_a_copula_or_role_words_is_a_pronoun_candidate():
    text = ("Trial\n\nMira Zule is accused. She said the charges were false.\n\n"
            "The first witness was Hawks head Major-Gen Gopal Gove, who led the probe.\n\n"
            "He said the case was strong.\n")
    got = [(s.speaker, s.role, s.organization) for s in extract_text(text)]
    assert got == [("Mira Zule", None, None), ("Gopal Gove", "Hawks head Major-Gen", "Hawks")]


def test_a_possessive_ends_a_name_before_another_name():
    text = ("Party\n\nThe general blamed a party without naming ousted PM Ivo Karr’s Kell Unity party.\n\n"
            "Karr said the charges were false.\n")
    assert [(s.speaker, s.role) for s in extract_text(text)] == [("Ivo Karr", "ousted PM")]


def test_a_description_never_goes_to_a_place_or_an_organisation():
    text = "Lights\n\nTraders meet at the Kell Bus Stand daily.\n\nThe mother of three says the lights help.\n"
    assert [(s.speaker, s.speaker_type) for s in extract_text(text)] == [("The mother of three", "anonymous")]


def test_a_name_after_a_sentence_opening_conjunction_is_a_subject():
    text = "Tennis\n\nAndy Morr beat Carl Mout. Mout fell twice. But Morr struck back.\n\n“He is skilful,” said the 36-year-old.\n"
    assert [(s.speaker, s.mention) for s in extract_text(text)] == [("Andy Morr", "the 36-year-old")]


def test_a_nationality_before_a_name_is_a_role_word():
    text = ("Tennis\n\nAndy Morr beat fiery Frenchman Carl Mout. Mout said the court was slow.\n\n"
            "Colombian Dani Elahi Galo said he was tired.\n")
    assert [(s.speaker, s.role) for s in extract_text(text)] == [("Carl Mout", "Frenchman"),
                                                                 ("Dani Elahi Galo", "Colombian")]


def test_who_works_with_org_as_role_gives_role_and_organization():
    text = ("Lights\n\nMr Deo Tembo, who is working with Kell Gender Network (KGN) as Programme Officer, says lights help.\n\n"
            "Tembo said more poles are needed.\n")
    got = [(s.speaker, s.role, s.organization) for s in extract_text(text)]
    assert got == [("Deo Tembo", "Programme Officer", "Kell Gender Network (KGN)")] * 2


def test_the_organisation_in_a_role_is_the_longest_written_whatever_the_hash_seed():
    """Two organisations written before roles, one inside the other: a role holding both names the
    longer. The answer came from a set's order, so it moved with PYTHONHASHSEED from one process to
    the next; each seed runs in a process of its own here."""
    import subprocess
    import sys
    text = ("Bank officials speak\n\n"
            "Acme chief economist Jane Doe said rates would rise.\n\n"
            "Acme Bank chief economist John Roe said rates would fall.\n\n")
    script = ("import sys; from quotesearch.extraction.pipeline import extract_text; "
              "print([(s.speaker, s.organization) for s in extract_text(sys.stdin.read())])")
    answers = {subprocess.run([sys.executable, "-c", script], input=text, capture_output=True, text=True,
                              env={**os.environ, "PYTHONHASHSEED": str(seed)}, check=True).stdout
               for seed in range(1, 9)}
    assert answers == {"[('Jane Doe', 'Acme'), ('John Roe', 'Acme Bank')]\n"}
