"""Reading annotated gold: brat standoff (PolNeAR folders of .ann and text files), our own JSONL,
or *paragraph* gold (the news sample's ``gold/NAME.jsonl`` beside ``text/NAME.txt``: each record
names its paragraph and quotes its text, see ``_paragraph_gold``).

All formats become ``Gold`` records (content spans merged, source text, cue text, direct/speech
flags; paragraph gold adds its kind, role, optional flag), which evaluate.py scores.

Gold classes: *direct* = the content holds a quote mark (" “ ” always; ‘ ’ ' only when a
single-quote pair opens at a word start and closes later, so apostrophes such as
"Conservatives’" do not count) or is enclosed by quote marks (our JSONL gold, like some
PolNeAR annotators, leaves the marks out of the span). *indirect_speech* = not direct and the cue holds a
speech/writing word (``SPEECH_CUES``, a frozen list owned by this module so the ruler does
not move when the extractor's lexicon changes), a cue phrase such as "according to", or is a
bare colon (the headline convention "Name: claim"). *direct_speech* = direct with such a cue
(PolNeAR also quotes fragments inside beliefs: "he figures that … “Saturday Night Live” …", which
*direct* counts and *direct_speech* leaves out). *indirect_all* = every non-direct gold.
Our JSONL gold only holds speech and writing by construction, so its records are all
speech.
"""
from __future__ import annotations

import json
import re
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator, Optional

from ..ingest.article import read_article
from ..ingest.read import ReadError
from ..models import Article

Spans = list[tuple[int, int]]


class EvaluateError(ValueError):
    """A gold corpus that cannot be read; the message is one line naming the path."""


# Speech and writing verbs that introduce reported speech (frozen on purpose: the
# evaluation's ruler must not move when the extractor's lexicon changes).
_SPEECH_LEMMAS = """
say tell add claim state declare announce explain note write argue insist assert contend
maintain acknowledge admit concede confirm deny warn predict promise pledge vow suggest
speculate agree tout report reply respond answer ask remark comment observe recall reveal
disclose emphasize emphasise stress repeat reiterate allege complain boast brag joke quip
testify tweet blog email recount mention indicate signal hint imply counter retort concur
conclude assure inform swear affirm attest confess"""
_IRREGULAR = ("said told wrote written swore sworn admitted admitting bragged bragging blogged "
              "quipped quipping concurred concurring signalled signalling")


def _inflections(lemma: str) -> set[str]:
    if lemma.endswith("y") and lemma[-2] not in "aeiou":           # deny denies denied
        return {lemma, lemma[:-1] + "ies", lemma[:-1] + "ied", lemma + "ing"}
    stem = lemma[:-1] if lemma.endswith("e") else lemma              # note noted noting
    sibilant = lemma.endswith(("s", "sh", "ch", "x", "z"))
    ing = (lemma if lemma.endswith("ee") else stem) + "ing"         # agreeing
    return {lemma, lemma + ("es" if sibilant else "s"), stem + "ed", ing}


SPEECH_CUES = frozenset(_IRREGULAR.split()).union(*map(_inflections, _SPEECH_LEMMAS.split()))
SPEECH_PHRASES = ("according to", "in the words of", "as reported by", "as quoted by",
                  "pointed out", "points out", "point out", "pointing out")

_DOUBLE_QUOTES = re.compile("[\"“”]|''")
_SINGLE_OPEN = re.compile(r"(?:^|(?<=[\s(\[—–-]))['‘](?=\S)")
_SINGLE_CLOSE = re.compile(r"(?<=\S)['’](?=$|[\s.,;:!?)\]—–-])")


@dataclass
class Gold:
    """One gold attribution, whichever format it came from."""

    article: str
    spans: Spans                 # merged content spans, offsets into the article text
    text: str
    source: str                  # gold speaker text; "" when the gold has none
    cue: str
    direct: bool
    speech: bool
    # paragraph gold only
    label: Optional[str] = None          # the annotated kind: direct, indirect or mixed
    optional: bool = False               # borderline: a prediction on it counts neither way
    role: Optional[str] = None
    organization: Optional[str] = None
    speaker_type: Optional[str] = None
    outlet: Optional[str] = None

    @property
    def kind(self) -> str:
        return "direct" if self.direct else "indirect_speech" if self.speech else "indirect_other"


# ---------------------------------------------------------------- classification

def has_quote_marks(text: str) -> bool:
    """Double quote marks anywhere, or a single-quote pair ‘…’ / '…' (apostrophes don't count)."""
    if _DOUBLE_QUOTES.search(text):
        return True
    opening = _SINGLE_OPEN.search(text)
    return bool(opening and _SINGLE_CLOSE.search(text, opening.end()))


def is_direct(text: str, spans: Spans) -> bool:
    """Content with quote marks inside, or enclosed by them (gold that leaves the marks out).

    Enclosed: an opening mark just before the first span and, after the last span and any
    closing punctuation, a closing mark or the paragraph's end (multi-paragraph quotes).
    """
    if has_quote_marks(" ".join(text[s:e] for s, e in spans)):
        return True
    i, j = spans[0][0], spans[-1][1]
    while i > 0 and text[i - 1] in " \t":
        i -= 1
    if i == 0 or text[i - 1] not in "\"“‘'" or (
            text[i - 1] in "‘'" and i > 1 and not (text[i - 2].isspace() or text[i - 2] in "([—–-")):
        return False
    while j < len(text) and text[j] in " \t,.;:!?…":
        j += 1
    return j == len(text) or text[j] in "\"”’'\r\n"


def is_speech_cue(cue: str) -> bool:
    cue = " ".join(cue.lower().replace("’", "'").split())
    if cue == ":":
        return True
    if any(re.search(rf"\b{p}\b", cue) for p in SPEECH_PHRASES):
        return True
    return any(w in SPEECH_CUES for w in re.findall(r"[a-z]+", cue))


# ---------------------------------------------------------------- intervals

def _merge(spans: Iterable, limit: int) -> Spans:
    out: list[list[int]] = []
    for s, e in sorted((max(0, int(s)), min(limit, int(e))) for s, e in spans):
        if e <= s:
            continue
        if out and s <= out[-1][1]:
            out[-1][1] = max(out[-1][1], e)
        else:
            out.append([s, e])
    return [(s, e) for s, e in out]


def _weight(text: str, spans: Spans) -> int:
    """Non-space characters inside ``spans``."""
    return sum(len("".join(text[s:e].split())) for s, e in spans)


# ---------------------------------------------------------------- reading gold

def _read_text(path: Path) -> Article:
    try:
        return read_article(path)
    except ReadError as e:
        raise EvaluateError(str(e)) from None


def _make_gold(article: Article, content: Iterable, source: str, cue: str,
               speech: Optional[bool], where: str) -> Optional[Gold]:
    n = len(article.text)
    content = list(content)
    for s, e in content:
        if not 0 <= s <= e <= n:
            raise EvaluateError(f"{where}: span {s}-{e} lies outside the text ({n} characters)")
    spans = _merge(content, n)
    if not _weight(article.text, spans):
        return None
    text = " ".join(article.text[s:e] for s, e in spans)
    return Gold(article.id, spans, text, " ".join(source.split()), " ".join(cue.split()),
                is_direct(article.text, spans), is_speech_cue(cue) if speech is None else speech)


def parse_ann(data: str) -> list[dict[str, Spans]]:
    """Attributions of a brat .ann file: one {"content", "source", "cue": spans} per E line."""
    spans: dict[str, Spans] = {}
    events = []
    for line in data.splitlines():
        m = re.match(r"(T\d+)\t\S+ (\d+ \d+(?:;\d+ \d+)*)\t", line)
        if m:
            spans[m.group(1)] = [tuple(map(int, p.split())) for p in m.group(2).split(";")]
        elif re.match(r"E\d+\t", line):
            events.append(line.split("\t")[1].split())
    out = []
    for args in events:
        parts: dict[str, Spans] = {"content": [], "source": [], "cue": []}
        for arg in args:
            role, _, ref = arg.partition(":")
            key = "content" if role.startswith("Content") else role.lower()
            if key in parts and ref in spans:
                parts[key] = parts[key] + spans[ref]
        out.append(parts)
    return out


def _brat(ann_dir: Path, text_dir: Path) -> Iterator[tuple[Article, list[Gold]]]:
    anns: dict[str, list[Path]] = defaultdict(list)
    for ann in sorted(ann_dir.glob("*.ann")):
        name = ann.stem
        if not (text_dir / f"{name}.txt").is_file() and "_" in name:
            name = name.rsplit("_", 1)[0]          # NAME_ANNOTATOR.ann
        if not (text_dir / f"{name}.txt").is_file():
            raise EvaluateError(f"{ann}: no text file {text_dir / (name + '.txt')}")
        anns[name].append(ann)
    if not anns:
        raise EvaluateError(f"{ann_dir}: no .ann files")
    for name in sorted(anns):
        ann = anns[name][0]                         # several annotators: the first by file name
        article = _read_text(text_dir / f"{name}.txt")
        golds = []
        for parts in parse_ann(ann.read_text(encoding="utf-8")):
            join = lambda sp: " ".join(article.text[s:e] for s, e in sp)  # noqa: E731
            g = _make_gold(article, parts["content"], join(parts["source"]), join(parts["cue"]),
                           None, str(ann))
            if g:
                golds.append(g)
        yield article, golds


def _lines(path: Path) -> Iterator[tuple[str, str]]:
    """('FILE:LINE', line) for each non-blank line of a gold file."""
    for no, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if line.strip():
            yield f"{path}:{no}", line


def _jsonl(files: list[Path], text_dir: Path) -> Iterator[tuple[Article, list[Gold]]]:
    records: dict[str, list[tuple[str, dict]]] = defaultdict(list)
    for path in files:
        for where, line in _lines(path):
            try:
                obj = json.loads(line)
                source, spans = obj["source"], obj["spans"]
                if not isinstance(source, str) or not all(len(p) == 2 for p in spans):
                    raise ValueError("needs a string source and spans [[start, end], ...]")
                obj["spans"] = [(int(s), int(e)) for s, e in spans]
            except (ValueError, KeyError, TypeError) as e:
                raise EvaluateError(f"{where}: not a gold statement ({e})") from None
            records[source].append((where, obj))
    if not records:
        raise EvaluateError(f"{files[0] if files else text_dir}: no gold statements")
    for source in sorted(records):
        path = next((text_dir / f"{source}{suf}" for suf in (".txt", ".md")
                     if (text_dir / f"{source}{suf}").is_file()), None)
        if path is None:
            raise EvaluateError(f"no text file {text_dir / (source + '.txt')} (use --text-dir)")
        article = _read_text(path)
        golds = []
        for where, obj in records[source]:
            speaker = obj.get("speaker") or obj.get("mention") or ""
            g = _make_gold(article, obj["spans"], speaker, obj.get("cue") or "", True, where)
            if g:
                golds.append(g)
        yield article, golds


# ---------------------------------------------------------------- paragraph gold

PARAGRAPH_KINDS = ("direct", "indirect", "mixed")


def _paragraph_spans(text: str) -> Spans:
    """Paragraphs as the paragraph gold counts them: separated by blank lines, empty ones kept."""
    out, start = [], 0
    for m in _BLANK_LINE.finditer(text):
        out.append((start, m.start()))
        start = m.end()
    out.append((start, len(text)))
    return out


_BLANK_LINE = re.compile(r"\r?\n[ \t]*(?:\r?\n)+")


def locate(text: str, lo: int, hi: int, statement: str) -> Optional[Spans]:
    """Spans of ``statement`` inside text[lo:hi]: the whole of it, or pieces joined by a space
    (a quote split by its attribution), each the longest prefix of the rest found after the
    previous piece. None when some piece is not there."""
    spans: list[tuple[int, int]] = []
    rest, pos = statement.strip(), lo
    while rest:
        i = text.find(rest, pos, hi)
        if i >= 0:
            spans.append((i, i + len(rest)))
            break
        for cut in reversed([m.start() for m in re.finditer(r"\s+", rest)]):
            i = text.find(rest[:cut], pos, hi)
            if i >= 0:
                spans.append((i, i + cut))
                rest, pos = rest[cut:].lstrip(), i + cut
                break
        else:
            return None
    return spans


def _field(obj: dict, name: str, where: str, required: bool = False) -> Optional[str]:
    value = obj.get(name)
    if value is None and not required:
        return None
    if not isinstance(value, str) or not value.strip():
        raise EvaluateError(f"{where}: not a gold statement ('{name}' must be a non-empty string)")
    return " ".join(value.split())


def _paragraph_gold(files: list[Path], text_dir: Path) -> Iterator[tuple[Article, list[Gold]]]:
    """NAME.jsonl: one record a line, {paragraph, kind, text, speaker, role, optional, ...} about
    text_dir/NAME.txt. A record's spans are found by its text inside its paragraph; a text
    that is not there (an annotator's edit) keeps the whole paragraph as its span."""
    for path in files:
        text_path = next((text_dir / f"{path.stem}{suf}" for suf in (".txt", ".md")
                          if (text_dir / f"{path.stem}{suf}").is_file()), None)
        if text_path is None:
            raise EvaluateError(f"{path}: no text file {text_dir / (path.stem + '.txt')} (use --text-dir)")
        article = _read_text(text_path)
        paras = _paragraph_spans(article.text)
        golds = []
        for where, line in _lines(path):
            try:
                obj = json.loads(line)
            except ValueError as e:
                raise EvaluateError(f"{where}: not JSON ({e})") from None
            if not isinstance(obj, dict):
                raise EvaluateError(f"{where}: not a gold statement (a JSON object is expected)")
            number, kind = obj.get("paragraph"), obj.get("kind")
            if not isinstance(number, int) or isinstance(number, bool) or not 0 <= number < len(paras):
                raise EvaluateError(f"{where}: paragraph {number!r} is not one of the "
                                    f"{len(paras)} paragraphs of {text_path.name}")
            if kind not in PARAGRAPH_KINDS:
                raise EvaluateError(f"{where}: kind {kind!r} is not one of {', '.join(PARAGRAPH_KINDS)}")
            text = _field(obj, "text", where, required=True)
            speaker = _field(obj, "speaker", where, required=True)
            lo, hi = paras[number]
            spans = locate(article.text, lo, hi, obj["text"]) or [(lo, hi)]
            golds.append(Gold(article.id, spans, text, speaker, "", kind != "indirect", True,
                              label=kind, optional=obj.get("optional") is True,
                              role=_field(obj, "role", where),
                              organization=_field(obj, "organization", where),
                              speaker_type=obj.get("speaker_type"), outlet=_field(obj, "outlet", where)))
        yield article, golds


def _is_paragraph_gold(files: list[Path]) -> bool:
    """The first record of the first file names a paragraph and no spans."""
    for line in files[0].read_text(encoding="utf-8").splitlines():
        if line.strip():
            try:
                obj = json.loads(line)
            except ValueError:
                return False
            return isinstance(obj, dict) and "paragraph" in obj and "spans" not in obj
    return False


def load_gold(gold_dir, text_dir=None) -> tuple[str, Iterator[tuple[Article, list[Gold]]]]:
    """The gold format ("brat", "jsonl" or "paragraph") and an iterator of (article, gold records).

    GOLD may be a corpus folder holding attributions/ (brat) or gold/ (JSONL or paragraph gold)
    beside text/, a folder of .ann or .jsonl files, or one .jsonl file.
    """
    p = Path(gold_dir)
    t = Path(text_dir) if text_dir else None
    if not p.exists():
        raise EvaluateError(f"{p}: no such file or directory")
    if p.is_dir() and (p / "attributions").is_dir():
        fmt, ann_dir, t = "brat", p / "attributions", t or p / "text"
    elif p.is_dir() and any(p.glob("*.ann")):
        fmt, ann_dir, t = "brat", p, t or p.parent / "text"
    else:
        if p.is_dir() and not any(p.glob("*.jsonl")) and (p / "gold").is_dir():
            p = p / "gold"                          # a corpus folder: gold/ beside text/
        files = [p] if p.is_file() else sorted(p.glob("*.jsonl"))
        if not files:
            raise EvaluateError(f"{p}: neither a brat corpus (attributions/, text/) nor JSONL gold")
        if _is_paragraph_gold(files):
            fmt = "paragraph"
            folder = p.parent if p.is_file() else p
            t = t or next((d for d in (folder.parent / "text", folder / "text") if d.is_dir()), folder)
        else:
            fmt = "jsonl"
            t = t or (p if p.is_dir() else p.parent)
    if not t.is_dir():
        raise EvaluateError(f"{t}: text directory not found")
    if fmt == "brat":
        return fmt, _brat(ann_dir, t)
    return fmt, (_paragraph_gold(files, t) if fmt == "paragraph" else _jsonl(files, t))
