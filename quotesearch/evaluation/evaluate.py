"""Scoring the extractor against annotated gold: brat standoff (PolNeAR) or our own JSONL.

Both formats become ``Gold`` records (gold.py: content spans, source text, cue text, direct/speech
flags, and the gold classes) and are scored by one function, ``_score_article``. Matching counts non-space
characters and works on merged interval lists, never on per-character sets:

- a gold statement is *found* when the union of predicted spans covers at least half of
  its content characters;
- a prediction is *right* when at least half of its characters lie inside the union of
  the article's gold content spans (beliefs and intentions included: they are real
  attributions, so predicting them is not an error);
- speaker accuracy is measured on found gold statements that have a source, against the
  prediction overlapping the gold content most (ties: the earlier prediction).

Nothing here prints; the CLI renders ``render_report``'s string.
"""
from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Callable, Iterator, Optional

from ..extraction import lexicon
from .gold import Gold, Spans, _merge, _weight, load_gold
from ..models import Article

# Sources that stand for someone named elsewhere (personal, possessive, relative pronouns).
PRONOUNS = frozenset(
    "i me my mine we us our ours you your yours he him his she her hers it its "
    "they them their theirs who whom whose which that".split())
_DETERMINERS = frozenset("a an the this that these those his her its their our my your".split())
_TITLES = frozenset(
    "secretary speaker director president vice chairman chairwoman chair chief justice attorney "
    "general governor gov senator sen rep representative mayor minister prime ambassador "
    "commissioner administrator deputy press spokesman spokeswoman spokesperson leader head "
    "mr mrs ms dr".split())
_QUANTIFIERS = frozenset(
    "all some many most several few both each either neither none one any half majority "
    "minority number lot lots plenty dozen dozens hundreds thousands millions".split())
_NAME_SUFFIXES = frozenset("jr sr ii iii iv".split())
_POSTMODIFIER = re.compile(r"\s(of|for|from|at|with|in|on|to|by|including|conducted|close)\s")
_RELATIVE = re.compile(r"[\s,]\s*(?:who|whom|whose|which|that)\s")
_CONJUNCTION = re.compile(r",|;|&|\band\b|\bor\b")
_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")
_SENTENCE_END = re.compile(r"[.!?][\"”’)\]]*(?:\s+|$)")


# ---------------------------------------------------------------- speakers

def _heads(name: str) -> set[str]:
    """Head words of a speaker phrase: the last word of each conjunct, modifiers cut off.

    "Donald Trump, the Republican nominee" -> {trump, nominee}; "a spokesman for the
    campaign" -> {spokesman}; "Secretary of State John Kerry" -> {kerry}; "some of the
    voters" -> {voters}; "Clinton's campaign" -> {campaign}.
    """
    name = (name or "").strip()
    name = re.sub(r"\([^)]*\)", " ", name) if name[:1] != "(" else name.strip("() ")
    raw, name = name, _RELATIVE.split(f" {name} ")[0] or name  # "X, who said ..." -> "X"
    out = set()
    for part in _CONJUNCTION.split(name):
        part = f" {part.strip()} "
        while m := _POSTMODIFIER.search(part, 1):
            pre = [w.lower().strip(".") for w in part[:m.start()].split()]
            if m.group(1) == "of" and all(
                    w in _QUANTIFIERS or w in _DETERMINERS or w[:1].isdigit() for w in pre):
                part = part[m.end() - 1:]           # "several of her aides" -> "her aides"
                continue
            if not all(w in _TITLES for w in pre):  # "Secretary of State John Kerry" stays
                part = part[:m.start()]
            break
        words = [w.lower().replace("’", "'") for w in _WORD.findall(part)]
        words = [re.sub(r"'s$", "", w).split("-")[-1] for w in words]
        words = [w for w in words if w and w not in _NAME_SUFFIXES]
        if words:
            out.add(words[-1])
    if not out:                                     # "all of whom": the last word
        out = {w.lower() for w in _WORD.findall(raw)[-1:]}
    named = {w for w in out if not w.isdigit()}
    return named or out


def speaker_agrees(gold_source: str, speaker: str, mention: str) -> bool:
    """Does a prediction's speaker or mention agree with the gold source text?"""
    gold = " ".join(gold_source.lower().replace("’", "'").split())
    if gold in PRONOUNS:
        if (mention or "").strip().lower() == gold:
            return True
        speaker = (speaker or "").strip()
        return bool(speaker) and speaker.lower() not in PRONOUNS
    return bool(_heads(gold_source) & (_heads(speaker) | _heads(mention)))


# ---------------------------------------------------------------- intervals

def _intersect(a: Spans, b: Spans) -> Spans:
    i = j = 0
    out = []
    while i < len(a) and j < len(b):
        s, e = max(a[i][0], b[j][0]), min(a[i][1], b[j][1])
        if s < e:
            out.append((s, e))
        if a[i][1] < b[j][1]:
            i += 1
        else:
            j += 1
    return out


# ---------------------------------------------------------------- scoring

def _get(pred, name: str, default=None):
    return pred.get(name, default) if isinstance(pred, dict) else getattr(pred, name, default)


def _sentence_ends(text: str, lo: int, hi: int) -> Iterator[int]:
    """Offsets just after sentence ends in text[lo:hi] (display only: abbreviations kept)."""
    abbreviations = lexicon.abbreviations()
    for m in _SENTENCE_END.finditer(text, lo, hi):
        word = re.search(r"(\w+)\W*$", text[max(lo, m.start() - 20):m.start()])
        if text[m.start()] == "." and word and (
                len(word.group(1)) == 1 or word.group(1).lower() in abbreviations):
            continue
        yield m.end()


def _context(article: Article, spans: Spans, limit: int = 400) -> str:
    """The sentence(s) around ``spans``, kept within their paragraph(s)."""
    text = article.text
    start, end = spans[0][0], spans[-1][1]
    paras = article.paragraphs or [(0, len(text))]
    lo = max((s for s, _ in paras if s <= start), default=0)
    hi = min((e for _, e in paras if e >= end), default=len(text))
    for lo in _sentence_ends(text, lo, start):
        pass
    hi = next(_sentence_ends(text, max(end - 1, lo), hi), hi)
    ctx = " ".join(text[lo:hi].split())
    return ctx if len(ctx) <= limit else ctx[:limit - 1] + "…"


@dataclass
class _Tally:
    n: dict = field(default_factory=lambda: defaultdict(int))
    errors: dict = field(default_factory=lambda: {"misses": [], "false_positives": [],
                                                  "wrong_speakers": []})


def _score_article(article: Article, golds: list[Gold], preds: list, tally: _Tally,
                   show: int) -> None:
    text, n, c = article.text, len(article.text), tally.n
    pspans = [_merge(_get(p, "spans") or [], n) for p in preds]
    gold_union = _merge((s for g in golds for s in g.spans), n)
    pred_union = _merge((s for ps in pspans for s in ps), n)
    c["predicted"] += len(preds)
    for p, ps in zip(preds, pspans):
        w = _weight(text, ps)
        if w and 2 * _weight(text, _intersect(ps, gold_union)) >= w:
            c["correct_predictions"] += 1
            continue
        c["false_positives"] += 1
        if len(tally.errors["false_positives"]) < show:
            tally.errors["false_positives"].append(_item(
                article, ps, _get(p, "text") or " ".join(text[s:e] for s, e in ps),
                _get(p, "kind") or "", None, _get(p, "speaker"), _get(p, "mention")))
    for g in sorted(golds, key=lambda g: g.spans[0]):
        classes = ["all", "direct" if g.direct else "indirect_all"]
        if g.speech:
            classes.append("direct_speech" if g.direct else "indirect_speech")
        for k in classes:
            c[f"gold_{k}"] += 1
        w = _weight(text, g.spans)
        if 2 * _weight(text, _intersect(g.spans, pred_union)) < w:
            c["misses"] += g.direct or g.speech
            if (g.direct or g.speech) and len(tally.errors["misses"]) < show:
                tally.errors["misses"].append(
                    _item(article, g.spans, g.text, g.kind, g.source, None, None))
            continue
        for k in classes:
            c[f"found_{k}"] += 1
        if not g.source:
            c["found_without_source"] += 1
            continue
        first, last = g.spans[0][0], g.spans[-1][1]
        overlaps = [_weight(text, _intersect(g.spans, ps))
                    if ps and ps[0][0] < last and ps[-1][1] > first else 0 for ps in pspans]
        best = preds[overlaps.index(max(overlaps))]
        speaker, mention = _get(best, "speaker") or "", _get(best, "mention") or ""
        agreed = speaker_agrees(g.source, speaker, mention)
        for k in ("all", "direct" if g.direct else "indirect_speech" if g.speech else None):
            if k:
                c[f"speaker_checked_{k}"] += 1
                c[f"speaker_agreed_{k}"] += agreed
        c["wrong_speakers"] += not agreed
        if not agreed and len(tally.errors["wrong_speakers"]) < show:
            tally.errors["wrong_speakers"].append(
                _item(article, g.spans, g.text, g.kind, g.source, speaker, mention))


def _item(article, spans, text, kind, gold_speaker, speaker, mention) -> dict:
    return {"article": article.id, "kind": kind, "text": text,
            "context": _context(article, spans), "spans": [list(s) for s in spans],
            "gold_speaker": gold_speaker, "predicted_speaker": speaker,
            "predicted_mention": mention}


def _ratio(a: int, b: int) -> float:
    return round(a / b, 4) if b else 0.0


def evaluate_path(gold_dir, text_dir=None, show_errors: int = 0,
                  extractor: Optional[Callable[[Article], list]] = None) -> dict:
    """Run ``extractor`` (default: quotesearch.extraction.pipeline.extract) on every gold article; score it."""
    if extractor is None:
        from ..extraction.pipeline import extract as extractor
    fmt, articles = load_gold(gold_dir, text_dir)
    tally = _Tally()
    count = 0
    for article, golds in articles:
        count += 1
        _score_article(article, golds, list(extractor(article)), tally, max(0, show_errors))
    c = tally.n
    p = c["correct_predictions"] / c["predicted"] if c["predicted"] else 0.0
    r = c["found_all"] / c["gold_all"] if c["gold_all"] else 0.0
    f1 = round(2 * p * r / (p + r), 4) if p + r else 0.0
    keys = ("all", "direct", "direct_speech", "indirect_speech", "indirect_all")
    report = {
        "format": fmt,
        "articles": count,
        "gold": c["gold_all"],
        "predicted": c["predicted"],
        "detection": {"precision": round(p, 4), "recall": round(r, 4), "f1": f1},
        "recall_by_kind": {k: _ratio(c[f"found_{k}"], c[f"gold_{k}"]) for k in keys[1:]},
        "speaker_accuracy": {k: _ratio(c[f"speaker_agreed_{k}"], c[f"speaker_checked_{k}"])
                             for k in ("direct", "indirect_speech", "all")},
        "counts": {
            "correct_predictions": c["correct_predictions"],
            **{f"gold_{k}": c[f"gold_{k}"] for k in keys},
            **{f"found_{k}": c[f"found_{k}"] for k in keys},
            "found_without_source": c["found_without_source"],
            **{f"speaker_{x}_{k}": c[f"speaker_{x}_{k}"]
               for k in ("direct", "indirect_speech", "all") for x in ("checked", "agreed")},
            **{k: c[k] for k in ("misses", "false_positives", "wrong_speakers")},
        },
    }
    if show_errors > 0:
        report["errors"] = tally.errors
    return report


# ---------------------------------------------------------------- rendering

def render_report(report: dict) -> str:
    """A plain-text table of the figures, then the error listings when present."""
    c = dict(report.get("counts", {}), predicted=report["predicted"])

    def row(group: str, name: str, value: float, num: str = "", den: str = "") -> str:
        frac = f"{c.get(num, 0)}/{c.get(den, 0)}" if num else ""
        return f"{group:<18}{name:<17}{value:>7.3f}   {frac}".rstrip()

    lines = [f"articles {report['articles']}   gold statements {report['gold']}   "
             f"predicted {report['predicted']}", ""]
    for group, key, fractions in (
            ("detection", "detection", {"precision": ("correct_predictions", "predicted"),
                                        "recall": ("found_all", "gold_all"), "f1": ("", "")}),
            ("recall by kind", "recall_by_kind",
             {k: (f"found_{k}", f"gold_{k}") for k in ("direct", "direct_speech", "indirect_speech", "indirect_all")}),
            ("speaker accuracy", "speaker_accuracy",
             {k: (f"speaker_agreed_{k}", f"speaker_checked_{k}")
              for k in ("direct", "indirect_speech", "all")})):
        for i, (name, (num, den)) in enumerate(fractions.items()):
            lines.append(row("" if i else group, name, report[key][name], num, den))
    for name, items in (report.get("errors") or {}).items():
        lines += ["", f"{name.replace('_', ' ')} (first {len(items)} of {c.get(name, 0)})"]
        for it in items:
            who = f"gold: {it['gold_speaker'] or '-'}" if it["gold_speaker"] is not None else ""
            if it["predicted_speaker"] is not None or it["predicted_mention"] is not None:
                who += (f"   predicted: {it['predicted_speaker'] or '-'}"
                        f" ({it['predicted_mention'] or '-'})")
            lines.append(f"- {it['article']} [{it['kind'] or '?'}] {who.strip()}")
            lines.append(f"    text:    {_short(it['text'])}")
            lines.append(f"    context: {it['context']}")
    return "\n".join(lines) + "\n"


def _short(text: str, limit: int = 200) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit - 1] + "…"
