"""Roles and speakers resolved across an article (issue 13 §2, §3, §8, §9): invented sentences."""
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
