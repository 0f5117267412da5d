"""One small article per pattern, written for these tests."""
import pytest

from quotesearch.extraction.pipeline import extract_text


def one(article, **expected):
    """Extract from ``article`` (headline added) and check the only statement's fields."""
    found = extract_text("Headline\n\n" + article)
    assert len(found) == 1, [s.text for s in found]
    got = found[0].to_dict()
    assert {k: got[k] for k in expected} == expected
    return found[0]


def texts(text):
    return [(s.kind, s.speaker, s.text) for s in extract_text("Headline\n\n" + text)]


# -- direct quotes, attribution after -------------------------------------------------

def test_quote_then_name_said():
    one("Maria Lopez runs the bakery.\n\n“Bread is up 20 percent,” Lopez said.",
        kind="direct", speaker="Maria Lopez", mention="Lopez", text="Bread is up 20 percent", cue="said")


def test_quote_then_said_name_with_appositive_role():
    s = one('"We will appeal," said Tom Harris, a spokesman for the Acme Corporation.',
            kind="direct", speaker="Tom Harris", text="We will appeal")
    assert s.role == "a spokesman for the Acme Corporation"
    assert s.organization == "Acme Corporation"


def test_quote_then_pronoun_added_resolves_to_previous_speaker():
    found = extract_text("H\n\nCoach Ann Park praised the team.\n\n"
                         "“They never gave up,” Park said.\n\n“I am proud of them,” she added.")
    assert [(s.speaker, s.mention) for s in found] == [("Ann Park", "Park"), ("Ann Park", "she")]
    assert found[1].role == "Coach"


def test_name_appositive_told_outlet():
    s = one("“Prices will fall,” retired Adm. Joan Fry, a former naval attache, told The Herald.",
            speaker="Joan Fry", given_to="The Herald")
    assert s.role == "retired Adm., a former naval attache"


def test_present_tense_says():
    one("“The river is rising fast,” says Priya Nair, who lives on the bank.",
        speaker="Priya Nair", cue="says", text="The river is rising fast")


def test_mr_surname_resolves_to_full_name():
    found = extract_text("H\n\nThe mayor, Daniel Okafor, opened the bridge.\n\n“It took ten years,” Mr. Okafor said.")
    assert [(s.speaker, s.mention, s.role) for s in found] == [("Daniel Okafor", "Mr. Okafor", "the mayor")]


# -- attribution before ------------------------------------------------------------

@pytest.mark.parametrize("frame", ["Chen said: ", "Chen said, ", "Chen told reporters: "])
def test_cue_then_quote(frame):
    one(f"Li Chen spoke briefly.\n\n{frame}“The vote is final.”",
        kind="direct", speaker="Li Chen", text="The vote is final.")


# -- split, several, continued, unclosed -------------------------------------------------

def test_split_quote_is_one_statement_with_two_spans():
    s = one("“The first part,” Ana Silva said on Monday, “and the second part.”",
            kind="direct", speaker="Ana Silva", text="The first part … and the second part.")
    assert len(s.spans) == 2


def test_two_quotes_two_speakers_in_one_paragraph():
    assert texts("“Yes,” said Bo Kim. “No,” said Al Roy.") == [
        ("direct", "Bo Kim", "Yes"), ("direct", "Al Roy", "No")]


def test_sentence_quote_after_attributed_quote_keeps_speaker():
    assert texts("“We lost,” Sam Ode said. “We will train harder next season.”") == [
        ("direct", "Sam Ode", "We lost"), ("direct", "Sam Ode", "We will train harder next season.")]


def test_quote_only_paragraph_continues_previous_speaker():
    found = extract_text("H\n\nNina Ray said: “The plan works.”\n\n“It saved us money last year.”")
    assert [(s.speaker, s.text, s.paragraph) for s in found] == [
        ("Nina Ray", "The plan works.", 1), ("Nina Ray", "It saved us money last year.", 2)]


def test_multi_paragraph_quote_is_one_statement():
    text = "H\n\nJo Park said: “The first paragraph of the speech.\n\n“The second paragraph ends it.”\n\nNext story."
    found = extract_text(text)
    assert len(found) == 1
    s = found[0]
    assert s.speaker == "Jo Park" and len(s.spans) == 2
    assert [text[a:b] for a, b in s.spans] == ["The first paragraph of the speech.", "The second paragraph ends it."]


def test_unclosed_quote_stops_at_paragraph_end():
    text = "H\n\n“We are done here,” Ed Moss said. “Nobody will stop us\n\nThe council met on Friday."
    found = extract_text(text)
    assert [s.text for s in found] == ["We are done here", "Nobody will stop us"]
    assert found[1].spans[0][1] == text.index("\n\nThe council")


# -- reported speech ------------------------------------------------------------------

def test_said_that_clause():
    one("Governor Ruth Bell said that the budget would be balanced by June.",
        kind="indirect", speaker="Ruth Bell", role="Governor", text="the budget would be balanced by June")


def test_told_outlet_clause():
    one("Kai Moto told the Daily Star the deal was dead.",
        kind="indirect", speaker="Kai Moto", given_to="the Daily Star", text="the deal was dead")


def test_trailing_said():
    one("The factory will close in March, union leader Omar Said said Tuesday.",
        kind="indirect", speaker="Omar Said", role="union leader", text="The factory will close in March")


def test_parenthetical_said_gives_two_spans():
    s = one("If the rain continues, Dr. Eva Lind said, the harvest will be lost.",
            kind="indirect", speaker="Eva Lind", text="If the rain continues … the harvest will be lost")
    assert len(s.spans) == 2


def test_according_to():
    one("Unemployment fell to 4 percent, according to the Office for National Statistics.",
        kind="indirect", speaker="Office for National Statistics", speaker_type="organization",
        text="Unemployment fell to 4 percent")


def test_according_to_at_start():
    one("According to the Red Cross, 300 families lost their homes.",
        speaker="Red Cross", text="300 families lost their homes")


def test_with_x_claiming_that():
    one("Talks stalled, with Norway claiming that the quota was too low.",
        speaker="Norway", speaker_type="organization", text="the quota was too low")


def test_group_and_anonymous_speakers_kept_as_written():
    assert texts("Economists predict that rates will rise again.") == [
        ("indirect", "Economists", "rates will rise again")]
    s = one("“We were not told,” a hospital official said.", speaker="a hospital official")
    assert s.speaker_type == "anonymous"


def test_organization_speaks_as_it():
    found = extract_text("H\n\nThe Acme Corporation cut 200 jobs.\n\n"
                         "The Acme Corporation said the cuts were painful. It said sales would recover next year.")
    assert [(s.speaker, s.mention) for s in found] == [
        ("Acme Corporation", "The Acme Corporation"), ("Acme Corporation", "It")]


def test_mixed_quote():
    s = one("Mona Ali said the law was “a disgrace” and should be repealed.",
            kind="mixed", speaker="Mona Ali")
    assert s.text == "the law was “a disgrace” and should be repealed"


def test_negated_cue_is_not_a_statement():
    assert texts("The minister did not say whether the plan would go ahead.") == []


# -- quote marks ------------------------------------------------------------------------

def test_scare_quotes_are_not_statements():
    assert texts("The so-called “peace plan” was published on Friday by the government.") == []


def test_british_single_quotes_and_apostrophes():
    found = extract_text("H\n\n‘The Conservatives’ plan will fail,’ said Jane Ode, the party’s leader.\n\n"
                         "’Manteboheng Mothibe said she would stand again.")
    assert [(s.kind, s.speaker, s.text) for s in found] == [
        ("direct", "Jane Ode", "The Conservatives’ plan will fail"),
        ("indirect", "’Manteboheng Mothibe", "she would stand again")]


def test_straight_double_quotes():
    one('"It is over," the coach, Mark Bell, said.', speaker="Mark Bell", text="It is over")


def test_offsets_point_into_original_text_with_crlf():
    text = "Headline\r\n\r\n“Water is safe,” Ada Obi said.\r\n"
    s = extract_text(text)[0]
    assert text[s.spans[0][0]:s.spans[0][1]] == "Water is safe"


def test_ascii_double_apostrophe_quotes():
    s = one("''It will take some time,'' said Bill Ackman, the fund's manager.",
            kind="direct", speaker="Bill Ackman", text="It will take some time")
    assert s.role == "the fund's manager"


def test_age_and_party_appositives():
    s = one("“We need a vote,” Sen. Ada Kern, D-Ore., said.", speaker="Ada Kern", text="We need a vote")
    assert s.role == "Sen., D-Ore."
    one("Lu Wei, 66, said he was proud of his son.", speaker="Lu Wei", role=None, text="he was proud of his son")


def test_characterizing_verb_needs_a_quoted_fragment():
    one("Governor Pat Lee called the bill “a disgrace to the state.”",
        kind="mixed", speaker="Pat Lee", text="the bill “a disgrace to the state.”")
    assert texts("Governor Pat Lee called the meeting to order at noon.") == []


def test_passive_reported_by():
    one("The mayor's resignation was first reported by the Daily Mail.",
        kind="indirect", speaker="Daily Mail", text="The mayor's resignation")


def test_as_x_said_clause():
    one("As the Guardian reported, the mine will close next spring.",
        speaker="Guardian", text="the mine will close next spring")


def test_participle_takes_the_main_subject():
    one("Chancellor Olaf Brandt defended the plan on Monday, saying it would create jobs.",
        speaker="Olaf Brandt", cue="saying", text="it would create jobs")


def test_coordinated_cue_takes_the_main_subject():
    one("Carla Diaz left the meeting early and said the vote was rigged.",
        speaker="Carla Diaz", text="the vote was rigged")


def test_headline_colon_names_the_speaker():
    found = extract_text("Lynch: No outside influence on the inquiry\n\nThe hearing began at nine.")
    assert [(s.speaker, s.text, s.cue, s.paragraph) for s in found] == [
        ("Lynch", "No outside influence on the inquiry", ":", 0)]
    assert extract_text("Analysis: Why the vote matters\n\nText.") == []


def test_title_case_headline_cue():
    found = extract_text("Mayor Says City Will Rebuild The Bridge\n\nText.")
    assert [(s.speaker, s.text) for s in found] == [("Mayor", "City Will Rebuild The Bridge")]


def test_noun_forms_are_not_cues():
    assert texts("In her economically depressed state, the mood is grim and the claims are many.") == []


def test_quote_after_colon_belongs_to_the_subject():
    one("Mayor Ann Rudd then turned to the crowd: “We will rebuild this town.”",
        kind="direct", speaker="Ann Rudd", cue=":", text="We will rebuild this town.")


def test_headline_single_quotes():
    found = extract_text("Ryan calls Trump line 'racist' but backs him\n\nBody text here.")
    assert [(s.kind, s.speaker, s.text) for s in found] == [("mixed", "Ryan", "Trump line 'racist' but backs him")]


def test_dateline_is_not_part_of_the_statement():
    one("PARIS (Reuters) - Foreign minister Jean Roux said the talks would resume on Monday.",
        speaker="Jean Roux", text="the talks would resume on Monday")


def test_frame_with_trailing_clause_still_attributes_the_quote():
    one("“We will appeal the ruling,” Sara Mott said when asked about the verdict.",
        kind="direct", speaker="Sara Mott", text="We will appeal the ruling")


def test_quote_after_full_stop_is_not_framed_by_a_new_clause():
    found = texts("“We are ready.” Jon Bay said the team had trained for months.")
    assert ("indirect", "Jon Bay", "the team had trained for months") in found
    assert not any(kind == "direct" and speaker == "Jon Bay" for kind, speaker, _ in found)


def test_said_of_then_quote():
    one("An aide, who asked not to be named, said of the senator, “She takes the threat seriously.”",
        kind="direct", speaker="An aide", text="She takes the threat seriously.")


def test_inverted_cue_before_quote():
    s = one("But, said Ray Solo, “I want no conflict with him.”", kind="direct", text="I want no conflict with him.")
    assert s.speaker == "Ray Solo"


def test_show_title_after_cue_is_not_a_direct_quote():
    one("Tim Sand said on ABC's “This Week” that he would look at the bill.",
        kind="indirect", speaker="Tim Sand", text="he would look at the bill")


def test_parenthetical_discourse_marker_between_speaker_and_cue():
    one("Cement makers, for instance, argue that imports grew to 40 percent.",
        speaker="Cement makers", text="imports grew to 40 percent")


def test_name_that_looks_like_an_auxiliary():
    s = one("In particular, Will wrote, the senator can challenge her on security.", cue="wrote")
    assert s.speaker == "Will" and s.text == "In particular … the senator can challenge her on security"


def test_as_some_have_speculated():
    one("The defeat will not derail his campaign, as some have speculated.",
        speaker="some", speaker_type="group", text="The defeat will not derail his campaign")


def test_that_followed_by_a_parenthetical():
    one("Yuki Amano said in a statement Wednesday that, if the claims are true, the treaty was broken.",
        speaker="Yuki Amano", text="if the claims are true, the treaty was broken")


def test_according_to_a_document_phrase():
    one("According to a recent poll of Indiana voters, the governor leads by ten points.",
        speaker="a recent poll of Indiana voters", text="the governor leads by ten points")
    one("The firm was registered in 2010, according to state corporate records.",
        speaker="state corporate records", text="The firm was registered in 2010")


def test_trailing_cue_followed_by_how_it_was_said():
    one("Many voters found it offensive, Martha Ray said in posing the question.",
        speaker="Martha Ray", text="Many voters found it offensive")
    one("The budget office said about half of the deficit came from tax cuts.",
        speaker="The budget office", text="about half of the deficit came from tax cuts")


def test_name_inside_a_phrase_after_the_head_is_not_the_speaker():
    s = one("A spokesman for Mayor Frank Jackson said the police were ready.", text="the police were ready")
    assert s.speaker == "A spokesman for Mayor Frank Jackson" and s.speaker_type == "anonymous"


def test_numeric_and_coordinated_group_speakers():
    one("47% say the city should build more housing.", speaker="47%", text="the city should build more housing")
    one("The talks will resume in May, current and former officials said.",
        speaker="current and former officials", speaker_type="group", text="The talks will resume in May")


def test_asked_if_is_a_reported_question():
    one("Dee Marsh met workers and asked them if they planned to vote.",
        speaker="Dee Marsh", cue="asked", text="if they planned to vote")


def test_bare_plural_after_comma_is_not_an_appositive():
    one("Candidates have more room to walk away from the program, said Steve Grubbs, an Iowa operative.",
        speaker="Steve Grubbs", role="an Iowa operative",
        text="Candidates have more room to walk away from the program")


def test_speaker_clause_holding_a_long_quoted_fragment_is_mixed():
    one("Senator Joan Hale thought the buzz was “artificially nourished by his allies.”",
        kind="mixed", speaker="Joan Hale", cue="thought", text="the buzz was “artificially nourished by his allies.”")


def test_short_scare_quotes_and_titles_are_not_statements():
    assert texts("Mayor Ed Lowe visited the “Crossroads of America” on Friday.") == []
    assert texts("Ed Lowe fixed the plan's “weakness” in the evening.") == []


def test_according_to_people_close_to():
    one("The advisers were furious at the coverage, according to people close to the campaign.",
        speaker="people close to the campaign", speaker_type="group", text="The advisers were furious at the coverage")


def test_appositive_with_a_noun_that_is_also_a_verb():
    one("Roberta Lange, the state party chairwoman, said she had received threats.",
        speaker="Roberta Lange", role="the state party chairwoman", text="she had received threats")


def test_speaker_phrase_with_prepositional_phrases():
    one("A doctor on the scene said three people were hurt.", speaker="A doctor on the scene",
        speaker_type="anonymous", text="three people were hurt")
    one("Two people briefed on the talks said the deal was close.", speaker="Two people briefed on the talks",
        text="the deal was close")
    s = one("Lauren Nel from Natural Justice in Cape Town says the project is risky.", text="the project is risky")
    assert s.speaker == "Lauren Nel" and s.role == "from Natural Justice in Cape Town"


def test_initials_and_suffixes_stay_in_the_name():
    s = one("“The defendants failed,” James P. Kennedy Jr., the U.S. Attorney for the district, said.",
            kind="direct", text="The defendants failed")
    assert s.speaker == "James P. Kennedy Jr" and s.role == "the U.S. Attorney for the district"


def test_title_only_speaker_has_no_name():
    one("The Prime Minister said the plan would go ahead.", speaker="The Prime Minister", role=None,
        text="the plan would go ahead")


def test_pronoun_after_an_anonymous_speaker():
    found = extract_text("H\n\nA spokesperson for the union said talks had failed.\n\n“We will strike,” he said.")
    assert [(s.speaker, s.mention) for s in found] == [
        ("A spokesperson for the union", "A spokesperson for the union"), ("A spokesperson for the union", "he")]


def test_definite_description_resolves_to_the_named_person():
    found = extract_text("H\n\nPrime Minister Shigeru Ishiba met the envoy.\n\n"
                         "The prime minister said the talks were useful.")
    assert [(s.speaker, s.mention) for s in found] == [("Shigeru Ishiba", "The prime minister")]
    found = extract_text("H\n\nCoach Jose Mourinho was sacked.\n\n“I am calm,” the 56-year-old said.")
    assert [(s.speaker, s.mention) for s in found] == [("Jose Mourinho", "the 56-year-old")]


def test_sentence_openers_are_not_speakers():
    s = one("Yesterday, Dr Ronald Walcott, managing director of the firm, said the data was safe.",
            text="the data was safe")
    assert s.speaker == "Ronald Walcott"
    one("Analysts say the merger will face scrutiny.", speaker="Analysts", speaker_type="group",
        text="the merger will face scrutiny")


def test_second_speaker_in_the_same_sentence():
    assert texts("Jordan said the settlements were illegal, while the Arab League said the move broke the law.") == [
        ("indirect", "Jordan", "the settlements were illegal"),
        ("indirect", "Arab League", "the move broke the law")]


def test_quoted_heading_is_not_a_statement():
    found = extract_text("H\n\nMara Lind said: “We planned everything.”\n\n‘WE HAD PLANS AFTER RETIREMENT’\n\nThe end.")
    assert [s.text for s in found] == ["We planned everything."]


def test_pronoun_gender_from_titles():
    found = extract_text("H\n\nMrs Ninette Simons and Mr Philip Simons met the police.\n\n"
                         "Ms Simons said they were kind. “We were scared,” he said.")
    assert [(s.speaker, s.mention) for s in found] == [
        ("Ninette Simons", "Ms Simons"), ("Philip Simons", "he")]


def test_two_appositives_and_organizations_with_plural_possessives():
    s = one("Chi Onwurah, the Labour MP for Newcastle Central, who backs the report, said it showed the problem.",
            text="it showed the problem")
    assert s.speaker == "Chi Onwurah" and s.role == "the Labour MP for Newcastle Central"  # the clause is no role (issue 13 §8)
    one("A spokesperson for the Colleges Employers’ Association (UCEA) said its members had cut contracts.",
        speaker="A spokesperson for the Colleges Employers’ Association (UCEA)", speaker_type="anonymous",
        text="its members had cut contracts")


def test_quote_only_paragraph_after_an_introduction_without_cue():
    found = extract_text("H\n\nMayor Jane Holt spoke to reporters on Monday.\n\n“We will rebuild the bridge.”")
    assert [(s.speaker, s.text) for s in found] == [("Jane Holt", "We will rebuild the bridge.")]


def test_document_author_speaks():
    one("A statement from the City Council said the resolution would pass.",
        speaker="City Council", speaker_type="organization", text="the resolution would pass")


def test_abbreviation_before_a_lowercase_word_does_not_end_the_frame():
    s = one("“They had a duty,” Geoffrey Berman, the U.S. attorney for the district, said in a news release.",
            kind="direct", speaker="Geoffrey Berman", text="They had a duty")
    assert s.role == "the U.S. attorney for the district"


def test_lowercase_role_words_before_the_name():
    s = one("“It is more efficient,” minister of mines and energy Tom Alweendo told The Namibian.",
            kind="direct", speaker="Tom Alweendo", given_to="The Namibian")
    assert s.role == "minister of mines and energy"
    one("“We found water,” lead researcher and NASA scientist Lucas Paganini said.",
        kind="direct", speaker="Lucas Paganini", role="lead researcher and NASA scientist")


def test_participle_after_a_quote_frame_takes_that_speaker():
    found = texts("“He stands for workers,” Marley Anderson said, adding that the senator is “the most trustworthy.”")
    assert found == [("direct", "Marley Anderson", "He stands for workers"),
                     ("mixed", "Marley Anderson", "the senator is “the most trustworthy.”")]


def test_clause_that_is_one_whole_quote_is_direct():
    one("According to HuffPo: “The senator has a mixed record.”",
        kind="direct", speaker="HuffPo", text="The senator has a mixed record.")
    one("According to The Federalist, the men wore shirts that read “Settle for less.”",
        kind="mixed", speaker="Federalist", text="the men wore shirts that read “Settle for less.”")


def test_first_name_alone_resolves_to_the_full_name():
    found = extract_text("H\n\nSir Keir Starmer visited the plant.\n\n“We will act,” Sir Keir said.")
    assert [(s.speaker, s.mention) for s in found] == [("Keir Starmer", "Sir Keir")]


def test_verbs_of_manner_only_frame_quotes():
    assert texts("Asked whether he would continue to accept gifts, Keir Starmer said that “all MPs get gifts”.") == [
        ("direct", "Keir Starmer", "all MPs get gifts")]
    one("“Not again,” she snapped.", kind="direct", cue="snapped", text="Not again")


# -- a speech verb after "to", "by", "in" ------------------------------------------------

def test_infinitive_after_a_verb_of_continuing_takes_its_subject():
    one("Senator Ruth Ames continues to insist that the plan works.",
        kind="indirect", speaker="Ruth Ames", cue="insist", text="the plan works")


def test_infinitive_after_a_phrase_of_time_or_place_takes_the_subject():
    one("Mayor Dan Ortiz tweeted on Friday to say he had never backed the tax.",
        kind="indirect", speaker="Dan Ortiz", cue="say", text="he had never backed the tax")
    one("Mayor Dan Ortiz took to Twitter to say he had never backed the tax.",
        kind="indirect", speaker="Dan Ortiz", cue="say", text="he had never backed the tax")


def test_infinitive_after_be_and_an_adjective_takes_the_subject():
    one("Coach Lena Bright was quick to add that the team had improved.",
        kind="indirect", speaker="Lena Bright", cue="add", text="the team had improved")


def test_went_so_far_as_to_say_frames_a_quote():
    one("The columnist Omar Reyes went so far as to say: “The league as we know it is over.”",
        kind="direct", speaker="Omar Reyes", cue="say", text="The league as we know it is over.")


def test_infinitive_after_refusing_planning_or_a_modal_is_no_statement():
    for frame in ("declined to say", "is expected to announce", "was unable to explain", "did not want to say",
                  "will continue to insist", "tried to explain", "was asked to explain"):
        assert texts(f"Senator Ruth Ames {frame} that the plan works.") == [], frame
    assert texts("It is hard to say whether the plan works.") == []
    assert texts("The vote led some to speculate that the plan works.") == []


def test_infinitive_with_a_bare_object_is_no_statement():
    assert texts("Senator Ruth Ames continued to maintain a wide lead in the polls.") == []


def test_ing_cue_after_by_takes_the_subject_of_the_clause():
    one("Governor Sam Price ended his speech by saying the state would recover.",
        kind="indirect", speaker="Sam Price", cue="saying", text="the state would recover")
    one("Governor Sam Price was blunt in declaring that the state would recover.",
        kind="indirect", speaker="Sam Price", cue="declaring", text="the state would recover")


def test_ing_cue_after_by_with_a_bare_object_is_no_statement():
    assert texts("Public colleges cut costs by admitting more students from abroad.") == []


def test_time_phrase_before_the_comma_is_not_the_subject():
    one("A few minutes later, Senator Ruth Ames followed up, saying the vote had been rigged.",
        kind="indirect", speaker="Ruth Ames", cue="saying", text="the vote had been rigged")
