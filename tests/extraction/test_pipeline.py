"""Extraction as a document pipeline: one Document per article, an ordered list of named rules,
rules that can be left out, and an extractor that keeps nothing between calls."""
import json
from concurrent.futures import ProcessPoolExecutor
from dataclasses import FrozenInstanceError
from pathlib import Path

import pytest

from quotesearch.extraction import rules
from quotesearch.extraction.document import Document
from quotesearch.extraction.pipeline import attributions, extract, extract_text
from quotesearch.ingest.read import article_from_text

SEED = Path(__file__).resolve().parents[2] / "seeds" / "kursk-incursion.txt"
POLNEAR = Path(__file__).resolve().parents[3] / "shared" / "corpora" / "polnear-train" / "text"

TEXT = ("Senate vote delayed\n\n"
        "“We will not give up,” Barros said. The vote was moved to Friday, officials said.\n\n"
        "“It is a setback.”")


def test_the_document_holds_paragraphs_sentences_tokens_quotes_and_cues_with_offsets():
    article = article_from_text(TEXT, "t")
    doc = Document.build(article)
    assert [(p.start, p.end) for p in doc.paragraphs] == article.paragraphs
    p = doc.paragraphs[1]
    assert [TEXT[p.tokens[a].start:p.tokens[b].end] for a, b in p.sentences] == [
        "“We will not give up,” Barros said.", "The vote was moved to Friday, officials said."]
    assert [TEXT[q.start:q.end] for q in p.quotes] == ["We will not give up,"]
    assert [(p.tokens[c.first].text, p.tokens[c.first].start) for c in p.cues] == [
        ("said", TEXT.index("said")), ("said", TEXT.rindex("said"))]
    assert p.cues_at == {c.first: c for c in p.cues}
    with pytest.raises(FrozenInstanceError):
        p.tokens = []                     # built once, read by every rule


def test_sentences_are_read_from_punkt_only_where_a_rule_reads_them():
    """Punkt is trained on the article and passed over a paragraph only when a rule first reads that
    paragraph's sentences; what it then gives is what building them at once gives."""
    from quotesearch.extraction.paragraph import build_paragraph
    from quotesearch.extraction.segment import Segmentation
    from quotesearch.extraction.coreference import resolve
    plain = "Harvest begins\n\nThe river rose. Farmers moved the herds uphill.\n\nRoads stayed open."
    seg = Segmentation(plain)
    doc = Document.build(article_from_text(plain, "t"), seg)
    assert resolve(doc, attributions(doc)) == []
    assert seg._sentence_tokenizer is None          # no cue, no quote: no sentence read, Punkt never trained

    seg = Segmentation(TEXT)
    doc = Document.build(article_from_text(TEXT, "t"), seg)
    assert seg._sentence_tokenizer is None
    for p in doc.paragraphs:
        eager = build_paragraph(TEXT, p.index, p.start, p.end, p.tokens, seg.sentences(p.start, p.end), p.quotes)
        assert (p.sentences, p.sent_of) == (eager.sentences, eager.sent_of) and p == eager
        assert [p.sentence(i) for i in range(len(p.tokens))] == [eager.sentences[eager.sent_of[i]]
                                                                  for i in range(len(p.tokens))]
    assert doc.paragraphs[1].sentence(0) == (0, 10)    # "“We will not give up,” Barros said."
    assert seg._sentence_tokenizer is not None


def test_threads_reading_one_documents_sentences_read_the_same_ones():
    """Sentences are filled in on first read; threads reading one Document at once all get them."""
    import sys
    import threading
    from quotesearch.extraction.paragraph import build_paragraph
    from quotesearch.extraction.segment import Segmentation
    texts = [SEED.read_text(encoding="utf-8")] + [p.read_text(encoding="utf-8") for p in sorted(POLNEAR.glob("*.txt"))[:30]]
    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)             # switch threads as often as the interpreter can
    try:
        for text in texts:
            doc = Document.build(article_from_text(text, "t"))
            seen, errors = [], []

            def read():
                try:
                    seen.append([(p.sentences, p.sent_of) for p in doc.paragraphs])
                except Exception as e:      # what a half-filled paragraph raised
                    errors.append(e)
            threads = [threading.Thread(target=read) for _ in range(4)]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            seg = Segmentation(text)
            eager = [build_paragraph(text, p.index, p.start, p.end, p.tokens, seg.sentences(p.start, p.end), p.quotes)
                     for p in doc.paragraphs]
            assert errors == []
            assert seen == [[(e.sentences, e.sent_of) for e in eager]] * 4
    finally:
        sys.setswitchinterval(interval)


def test_the_rules_are_an_ordered_list_of_names():
    assert rules.NAMES == ("direct", "reported", "quoted_words", "noun_cue", "headline", "unattributed")


def test_a_rule_returns_what_it_found_and_what_it_used():
    doc = Document.build(article_from_text(TEXT, "t"))
    p = doc.paragraphs[1]
    found = rules.RULES[0][1](p, rules.Taken())
    assert [TEXT[s:e] for a in found.attributions for s, e in a.spans] == ["We will not give up"]
    assert found.quotes == frozenset({0}) and [p.tokens[i].start for i in found.cues] == [TEXT.index("said")]
    # the next rule sees what was taken, and does not read the used cue again
    reported = rules.RULES[1][1](p, rules.Taken().plus(found))
    assert [(a.mention, TEXT[a.spans[0][0]:a.spans[0][1]]) for a in reported.attributions] == [
        ("officials", "The vote was moved to Friday")]


def test_a_rule_can_be_switched_off_to_measure_it():
    everything = [(s.kind, s.speaker, s.text) for s in extract_text(TEXT)]
    assert everything == [("direct", "Barros", "We will not give up"),
                          ("indirect", "officials", "The vote was moved to Friday"),
                          ("direct", "officials", "It is a setback.")]   # the statement before speaks on
    # without reported speech, the quote-only paragraph borrows the speaker of the first quote
    assert [(s.kind, s.speaker) for s in extract_text(TEXT, disabled={"reported"})] == [
        ("direct", "Barros"), ("direct", "Barros")]
    assert [(s.kind, s.speaker) for s in extract_text(TEXT, disabled=["direct"])] == [
        ("indirect", "officials"), ("direct", "officials")]
    assert [s.text for s in extract_text(TEXT, disabled=["unattributed"])] == [
        "We will not give up", "The vote was moved to Friday"]
    assert extract_text(TEXT, disabled=rules.NAMES) == []
    with pytest.raises(ValueError, match="unknown rule.*nope.*the rules are direct, reported"):
        extract_text(TEXT, disabled=["nope"])


def test_rule_order_is_the_precedence():
    """Which rule reads a quote first is the list's order: with "direct" first the quote goes to the
    cue after it (the Times); with "reported" first, to the clause of "said" that holds it."""
    text = "Senators said “the vote was lost for good,” the Times reported."
    doc = Document.build(article_from_text(text, "t"))
    by_name = dict(rules.RULES)
    in_order = attributions(doc, [("direct", by_name["direct"]), ("reported", by_name["reported"])])
    swapped = attributions(doc, [("reported", by_name["reported"]), ("direct", by_name["direct"])])
    assert [(a.mention, a.cue, text[a.spans[0][0]:a.spans[0][1]]) for a in in_order] == [
        ("the Times", "reported", "Senators said “the vote was lost for good")]
    assert [(a.mention, a.cue, text[a.spans[0][0]:a.spans[0][1]]) for a in swapped] == [
        ("Senators", "said", "“the vote was lost for good,” the Times reported")]
    assert [(s.speaker, s.cue) for s in extract_text(text)] == [("Times", "reported")]


def _extract_dicts(text: str) -> list[dict]:
    return [s.to_dict() for s in extract(article_from_text(text, "a"))]


def test_extraction_in_a_process_pool_equals_extraction_in_turn():
    texts = [SEED.read_text(encoding="utf-8")] + [p.read_text(encoding="utf-8") for p in sorted(POLNEAR.glob("*.txt"))[:5]]
    expected = [_extract_dicts(t) for t in texts]
    with ProcessPoolExecutor(2) as pool:
        assert list(pool.map(_extract_dicts, texts)) == expected


def test_capital_flags_are_capitalized_for_every_token():
    """The document's per-token capital flags (made by C-level maps, read by name collection) say
    what ``capitalized`` says, elided words ("’Manteboheng") and lone marks included."""
    from quotesearch.extraction.mentions import capital_flags, capitalized
    from quotesearch.extraction.segment import tokenize
    texts = ["’Manteboheng said ’tis ’ fine — Ö’Brien, éclair, 4th, U.S. troops ‘Quote’ ’"] + \
        [p.read_text(encoding="utf-8") for p in sorted(POLNEAR.glob("*.txt"))[:3]]
    for text in texts:
        toks = tokenize(text)
        assert capital_flags(toks) == [capitalized(t) for t in toks]


def test_settle_freezes_what_extraction_loaded_and_changes_no_statement():
    """``settle`` (for a process that does little but extract) loads Punkt and the lexicons, then
    freezes every live object out of the garbage collector's full collections; the statements are
    the same. Run in a fresh process: freezing this one would keep the test run's garbage."""
    import subprocess
    import sys

    script = (
        "import gc, json\n"
        "from pathlib import Path\n"
        "from quotesearch.extraction.pipeline import extract_text, settle, _WARM_UP\n"
        "text = Path(r'%s').read_text(encoding='utf-8')\n"
        "before = [s.to_dict() for s in extract_text(text, 'seed')]\n"
        "assert gc.get_freeze_count() == 0\n"
        "default = gc.get_threshold()\n"
        "settle()\n"
        "frozen = gc.get_freeze_count()\n"
        "after = [s.to_dict() for s in extract_text(text, 'seed')]\n"
        "print(json.dumps([frozen, before == after, len(before), len(extract_text(_WARM_UP)), default, gc.get_threshold()]))\n"
    ) % (Path(__file__).parents[2] / "seeds" / "kursk-incursion.txt")
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True).stdout
    frozen, same, statements, warm_up, default, threshold = json.loads(out)
    assert threshold == [20000] + default[1:]  # the youngest generation collected less often, the others as before
    assert frozen > 20000          # NLTK's objects among them
    assert same and statements > 10
    assert warm_up >= 3            # the warm-up text runs the direct, reported and source rules
