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

Paragraph gold (the news sample's format, gold.py) is scored as its README says, by
``_score_paragraph_article``: gold and predicted records are matched one to one by the F1 of their
word tokens (lower-cased, >= 0.5, best pairs first; ``match_records``), a prediction matched to an
optional gold record counts neither way; detection precision/recall/F1 over required records;
speaker accuracy over matched required records (``same_speaker``: the same words after
lower-casing, a leading "the" and extra leading words on the prediction ignored, so "Foreign
Minister Idris Kavaleh" is "Idris Kavaleh"); *end-to-end* precision/recall/F1 count a match only
when the speaker is right; role (and organisation, when annotated) accuracy over matched records
where gold or prediction has one (the same words after lower-casing); kind accuracy over matched
records. Figures come in total and per article.

Nothing here prints; the CLI renders ``render_report``'s string.
"""
from __future__ import annotations

import re
import unicodedata
from collections import Counter, defaultdict
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


def _item(article, spans, text, kind, gold_speaker, speaker, mention, **extra) -> dict:
    return {"article": article.id, "kind": kind, "text": text,
            "context": _context(article, spans), "spans": [list(s) for s in spans],
            "gold_speaker": gold_speaker, "predicted_speaker": speaker,
            "predicted_mention": mention, **extra}


# ---------------------------------------------------------------- paragraph gold: matched records

def words(text: Optional[str]) -> list[str]:
    """Lower-cased word tokens (NFKC, curly apostrophes straightened)."""
    text = unicodedata.normalize("NFKC", text or "").lower().replace("’", "'").replace("‘", "'")
    return _WORD.findall(text)


def token_f1(a: list[str], b: list[str]) -> float:
    common = sum((Counter(a) & Counter(b)).values())
    return 2 * common / (len(a) + len(b)) if common else 0.0


def match_records(gold_texts: list[str], pred_texts: list[str], threshold: float = 0.5) -> dict[int, int]:
    """One-to-one matches gold index -> prediction index: word-token F1 >= threshold, best pairs
    first (ties: the earlier gold, then the earlier prediction)."""
    gw, pw = [words(t) for t in gold_texts], [words(t) for t in pred_texts]
    pairs = sorted(((token_f1(g, p), gi, pi) for gi, g in enumerate(gw) for pi, p in enumerate(pw)),
                   key=lambda x: (-x[0], x[1], x[2]))
    matched: dict[int, int] = {}
    used: set[int] = set()
    for score, gi, pi in pairs:
        if score < threshold:
            break
        if gi not in matched and pi not in used:
            matched[gi] = pi
            used.add(pi)
    return matched


def same_speaker(gold: str, predicted: Optional[str]) -> bool:
    """The same words after lower-casing; a leading "the" and extra leading words (titles, roles)
    on the prediction ignored."""
    g, p = words(gold), words(predicted)
    if g[:1] == ["the"] and len(g) > 1:
        g = g[1:]
    return bool(g) and len(p) >= len(g) and p[-len(g):] == g


def _same_words(a: Optional[str], b: Optional[str]) -> bool:
    return words(a) == words(b)


_PARAGRAPH_COUNTS = ("gold", "gold_optional", "predicted", "predicted_on_optional", "matched",
                     "misses", "false_positives", "speaker_right", "kind_right", "role_checked",
                     "role_right", "organization_checked", "organization_right")


def _score_paragraph_article(article: Article, golds: list[Gold], preds: list, tally: _Tally,
                             show: int) -> dict:
    """Score one article of paragraph gold into ``tally``; return its own counts."""
    c: dict = defaultdict(int)
    matched = match_records([g.text for g in golds], [_get(p, "text") or "" for p in preds])
    c["predicted"] = len(preds)
    used = set(matched.values())

    def listing(name: str, item: dict) -> None:
        if len(tally.errors.setdefault(name, [])) < show:
            tally.errors[name].append(item)

    for gi, g in sorted(enumerate(golds), key=lambda x: x[1].spans[0]):
        c["gold_optional" if g.optional else "gold"] += 1
        if gi not in matched:
            if not g.optional:
                c["misses"] += 1
                listing("misses", _item(article, g.spans, g.text, g.label, g.source, None, None))
            continue
        p = preds[matched[gi]]
        if g.optional:
            c["predicted_on_optional"] += 1
            continue
        c["matched"] += 1
        speaker, role, org = _get(p, "speaker") or "", _get(p, "role"), _get(p, "organization")
        right = same_speaker(g.source, speaker)
        c["speaker_right"] += right
        c["kind_right"] += _get(p, "kind") == g.label
        if not right:
            listing("wrong_speakers", _item(article, g.spans, g.text, g.label, g.source, speaker,
                                            _get(p, "mention")))
        if g.role or role:
            c["role_checked"] += 1
            if _same_words(g.role, role):
                c["role_right"] += 1
            else:
                listing("wrong_roles", _item(article, g.spans, g.text, g.label, g.source, speaker,
                                             _get(p, "mention"), gold_role=g.role, predicted_role=role))
        if tally.n["organization_annotated"] and (g.organization or org):
            c["organization_checked"] += 1
            c["organization_right"] += _same_words(g.organization, org)
    for pi, p in enumerate(preds):
        if pi not in used:
            c["false_positives"] += 1
            ps = _merge(_get(p, "spans") or [], len(article.text)) or [(0, 0)]
            listing("false_positives", _item(
                article, ps, _get(p, "text") or "", _get(p, "kind") or "", None,
                _get(p, "speaker"), _get(p, "mention")))
    for k in _PARAGRAPH_COUNTS:
        tally.n[k] += c[k]
    return {k: c[k] for k in _PARAGRAPH_COUNTS}


def _prf(right: int, predicted: int, gold: int) -> dict:
    p = right / predicted if predicted else 0.0
    r = right / gold if gold else 0.0
    return {"precision": round(p, 4), "recall": round(r, 4),
            "f1": round(2 * p * r / (p + r), 4) if p + r else 0.0}


def _paragraph_figures(c: dict, organizations: bool) -> dict:
    """Figures from paragraph-gold counts (predictions on optional gold left out)."""
    scored = c["predicted"] - c["predicted_on_optional"]
    out = {
        "gold": c["gold"], "gold_optional": c["gold_optional"], "predicted": c["predicted"],
        "detection": _prf(c["matched"], scored, c["gold"]),
        "end_to_end": _prf(c["speaker_right"], scored, c["gold"]),
        "speaker_accuracy": {"all": _ratio(c["speaker_right"], c["matched"])},
        "roles": {"accuracy": _ratio(c["role_right"], c["role_checked"])},
        "kinds": {"accuracy": _ratio(c["kind_right"], c["matched"])},
    }
    if organizations:
        out["organizations"] = {"accuracy": _ratio(c["organization_right"], c["organization_checked"])}
    return out


def _ratio(a: int, b: int) -> float:
    return round(a / b, 4) if b else 0.0


def evaluate_path(gold_dir, text_dir=None, show_errors: int = 0,
                  extractor: Optional[Callable[[Article], list]] = None) -> dict:
    """Run ``extractor`` (default: quotesearch.extraction.pipeline.extract) on every gold article; score it."""
    if extractor is None:
        from ..extraction.pipeline import extract as extractor
    fmt, articles = load_gold(gold_dir, text_dir)
    if fmt == "paragraph":
        return _evaluate_paragraphs(articles, extractor, max(0, show_errors))
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


def _evaluate_paragraphs(articles, extractor, show: int) -> dict:
    articles = list(articles)
    organizations = any(g.organization for _, golds in articles for g in golds)
    tally = _Tally(errors={"misses": [], "false_positives": [], "wrong_speakers": [], "wrong_roles": []})
    tally.n["organization_annotated"] = organizations
    per_article = {}
    for article, golds in articles:
        counts = _score_paragraph_article(article, golds, list(extractor(article)), tally, show)
        per_article[article.id] = {**_paragraph_figures(counts, organizations), "counts": counts}
    c = tally.n
    report = {"format": "paragraph", "articles": len(articles),
              **_paragraph_figures(c, organizations),
              "counts": {k: c[k] for k in _PARAGRAPH_COUNTS
                         if organizations or not k.startswith("organization")},
              "per_article": per_article}
    if not organizations:
        for figures in per_article.values():
            figures["counts"] = {k: v for k, v in figures["counts"].items()
                                 if not k.startswith("organization")}
    if show > 0:
        report["errors"] = tally.errors
    return report


# ---------------------------------------------------------------- rendering

def render_report(report: dict) -> str:
    """A plain-text table of the figures, then the error listings when present."""
    if report.get("format") == "paragraph":
        return _render_paragraph_report(report)
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
    lines += _render_errors(report, c)
    return "\n".join(lines) + "\n"


def _render_errors(report: dict, c: dict) -> list[str]:
    lines = []
    for name, items in (report.get("errors") or {}).items():
        total = c.get(name, c.get("role_checked", 0) - c.get("role_right", 0) if name == "wrong_roles" else 0)
        lines += ["", f"{name.replace('_', ' ')} (first {len(items)} of {total})"]
        for it in items:
            who = f"gold: {it['gold_speaker'] or '-'}" if it["gold_speaker"] is not None else ""
            if it["predicted_speaker"] is not None or it["predicted_mention"] is not None:
                who += (f"   predicted: {it['predicted_speaker'] or '-'}"
                        f" ({it['predicted_mention'] or '-'})")
            lines.append(f"- {it['article']} [{it['kind'] or '?'}] {who.strip()}")
            if "gold_role" in it:
                lines.append(f"    role:    gold {it['gold_role'] or '-'}   predicted {it['predicted_role'] or '-'}")
            lines.append(f"    text:    {_short(it['text'])}")
            lines.append(f"    context: {it['context']}")
    return lines


def _render_paragraph_report(report: dict) -> str:
    c = dict(report["counts"])
    c["wrong_speakers"] = c["matched"] - c["speaker_right"]
    scored = c["predicted"] - c["predicted_on_optional"]
    lines = [f"articles {report['articles']}   gold statements {report['gold']} "
             f"(+{report['gold_optional']} optional)   predicted {report['predicted']} "
             f"({c['predicted_on_optional']} on optional gold, not counted)", ""]

    def row(group: str, name: str, value: float, num: Optional[int] = None, den: Optional[int] = None) -> str:
        frac = f"{num}/{den}" if num is not None else ""
        return f"{group:<18}{name:<17}{value:>7.3f}   {frac}".rstrip()

    for group, key, right in (("detection", "detection", c["matched"]),
                              ("end to end", "end_to_end", c["speaker_right"])):
        f = report[key]
        lines += [row(group, "precision", f["precision"], right, scored),
                  row("", "recall", f["recall"], right, c["gold"]), row("", "f1", f["f1"])]
    lines.append(row("speaker accuracy", "all", report["speaker_accuracy"]["all"],
                     c["speaker_right"], c["matched"]))
    lines.append(row("roles", "accuracy", report["roles"]["accuracy"], c["role_right"], c["role_checked"]))
    if "organizations" in report:
        lines.append(row("organizations", "accuracy", report["organizations"]["accuracy"],
                         c["organization_right"], c["organization_checked"]))
    lines.append(row("kinds", "accuracy", report["kinds"]["accuracy"], c["kind_right"], c["matched"]))
    width = max([len(a) for a in report["per_article"]] + [7])
    lines += ["", f"{'article':<{width}}  gold  pred  det.f1  e2e.f1  speaker  roles"]
    for name, f in report["per_article"].items():
        lines.append(f"{name:<{width}}  {f['gold']:>4}  {f['predicted']:>4}  {f['detection']['f1']:>6.3f}"
                     f"  {f['end_to_end']['f1']:>6.3f}  {f['speaker_accuracy']['all']:>7.3f}"
                     f"  {f['roles']['accuracy']:>5.3f}")
    lines += _render_errors(report, c)
    return "\n".join(lines) + "\n"


def _short(text: str, limit: int = 200) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit - 1] + "…"
