"""Cleaning rules 2, 3, 4 and 6: each a small function returning the text and its fixes."""

from __future__ import annotations

import re
import unicodedata
from functools import cache

from archive.errors import N_
from archive.model import Fix, say
from archive.script import is_han

#: Characters that carry no text and that scrapers leave behind.
ZERO_WIDTH = "\u200b\u200c\u200d\u2060\ufeff"
_ZERO_WIDTH_RE = re.compile(f"[{ZERO_WIDTH}]")

TONED_VOWELS = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜńňǹḿ"
#: One pinyin syllable carrying a tone mark (the scraper's annotations always have one).
PINYIN_SYLLABLE = rf"[a-zü]*[{TONED_VOWELS}][a-zü]*"
_ANNOTATION_RE = re.compile(rf"\(({PINYIN_SYLLABLE})\)")

#: A stray ASCII comma is one that stands right before another punctuation mark.
_STRAY_COMMA_RE = re.compile(r",(?=[,，、。？！；：?!;:])")

#: Marks that end a paragraph properly; a paragraph ending otherwise may be a page-break split.
FINAL_PUNCT = set("。！？；：…”’」』）)!?;:.")
_CLAUSE_PUNCT_RE = re.compile(r"[，,、；;：:。！？!?]")
_SENTENCE_END_RE = re.compile(r"[。！？；…!?;]")


def context(text: str, start: int, end: int, width: int = 2) -> str:
    """The span ``text[start:end]`` with ``width`` characters either side, for repair logs."""
    return text[max(0, start - width):end + width]


def normalize_newlines(text: str) -> str:
    """CRLF and CR become LF."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def normalize_unicode(text: str) -> tuple[str, list[Fix]]:
    """Rule 2: NFC and no zero-width characters. Width is *not* folded here (display text)."""
    fixes: list[Fix] = []
    nfc = unicodedata.normalize("NFC", text)
    if nfc != text:
        fixes.append(Fix("nfc", text, nfc, (say(N_("Unicode NFC normalisation")),)))
    cleaned = _ZERO_WIDTH_RE.sub("", nfc)
    if cleaned != nfc:
        n = len(nfc) - len(cleaned)
        fixes.append(Fix("zero-width", nfc, cleaned, (say(N_("%(n)d zero-width character removed") if n == 1 else
                                                       N_("%(n)d zero-width characters removed"), n=n),)))
    return cleaned, fixes


@cache
def pinyin_syllables() -> frozenset[str]:
    """Every toned pinyin reading pypinyin knows: ``(créteil)`` has a tone mark but is no syllable."""
    # Imported only when a document holds an annotation: pypinyin loads its phrase table too (~57 MB).
    from pypinyin.pinyin_dict import pinyin_dict

    return frozenset(r for readings in pinyin_dict.values() for r in readings.split(","))


def strip_pinyin(text: str) -> tuple[str, list[Fix]]:
    """Rule 3: drop a scraper's ``(zhèn)`` after a Han character; keep real parentheticals.

    Only parentheses that hold a single pinyin syllable with a tone mark and that
    follow a Han character are removed; ``(程一舟 陈红革)`` or ``(网格)`` stay.
    Annotations after a ``?`` or a stray Latin letter belong to a mojibake span and
    are left for rule 5, which needs them to identify lost characters.
    """
    fixes: list[Fix] = []
    out: list[str] = []
    last = 0
    for m in _ANNOTATION_RE.finditer(text):
        if m.start() == 0 or not is_han(text[m.start() - 1]) or m.group(1) not in pinyin_syllables():
            continue
        out.append(text[last:m.start()])
        last = m.end()
        fixes.append(
            Fix("pinyin", text[m.start() - 1:m.end()], text[m.start() - 1],
                (say(N_("scraper's pinyin annotation (%(reading)s) removed"), reading=m.group(1)),))
        )
    out.append(text[last:])
    return "".join(out), fixes


#: A scraper that flattens ``<ruby>`` leaves an annotation after every annotated character: seed 002 has 268.
#: An author's own reading note (``金正(zhèng)恩``) stands alone: inews's 7,353 articles hold two, one each.
SCRAPER_PINYIN_MIN = 3


def has_scraper_pinyin(text: str) -> bool:
    """Does ``text`` (a whole document) carry the scraper's pattern: many pinyin annotations?"""
    return len(strip_pinyin(text)[1]) >= SCRAPER_PINYIN_MIN


def drop_stray_commas(text: str) -> tuple[str, list[Fix]]:
    """Rule 4: ``近年來,,宋河鎮`` → ``近年來,宋河鎮``; ``治理,、助推`` → ``治理、助推``."""
    fixes = []
    for m in _STRAY_COMMA_RE.finditer(text):
        a, b = max(0, m.start() - 2), m.end() + 2
        fixes.append(
            Fix("comma", text[a:b], text[a:m.start()] + text[m.end():b],
                (say(N_("stray ASCII comma before a punctuation mark removed")),))
        )
    return _STRAY_COMMA_RE.sub("", text), fixes


#: The marks a scraper's half-width pass leaves in Chinese text, and the forms a newspaper prints.
FULL_WIDTH = str.maketrans(",;:?!()", "，；：？！（）")
_HALF_WIDTH_MARK_RE = re.compile(r"[,;:?!()]")
_FULL_WIDTH_MARK_RE = re.compile(r"[，；：？！（）]")
#: A half-width pass converts every mark of a document: seeds 002, 003 and 004 hold 808, 127 and 136 ASCII
#: marks beside Chinese characters and no full-width one. A writer's slips are a few ASCII marks among
#: full-width ones (3,575 of the 7,353 inews articles), and they stay as printed.
HALF_WIDTH_PASS_MIN, HALF_WIDTH_PASS_SHARE = 3, 0.95


def _beside_han(text: str) -> list[int]:
    """Where an ASCII ``, ; : ? ! ( )`` stands next to a Han character."""
    return [m.start() for m in _HALF_WIDTH_MARK_RE.finditer(text)
            if (m.start() > 0 and is_han(text[m.start() - 1]))
            or (m.end() < len(text) and is_han(text[m.end()]))]


def has_half_width_pass(text: str) -> bool:
    """Does ``text`` (a whole document) carry a scraper's half-width pass: its marks beside Chinese text
    (at least three) nearly all ASCII?"""
    ascii_marks, full_marks = len(_beside_han(text)), len(_FULL_WIDTH_MARK_RE.findall(text))
    return ascii_marks >= HALF_WIDTH_PASS_MIN and ascii_marks >= HALF_WIDTH_PASS_SHARE * (ascii_marks + full_marks)


def restore_full_width(text: str) -> tuple[str, list[Fix]]:
    """Rule 2b: ASCII ``, ; : ? ! ( )`` standing next to a Han character back to full width.

    ``旗帜就是方向,党建引领发展`` → ``旗帜就是方向，党建引领发展``; ``1,500``, ``10:00`` and Latin text,
    with no Han character beside the mark, stay. Runs after the rules that read the ASCII marks (stray
    commas, mojibake), and only in a document that :func:`has_half_width_pass`. One fix per paragraph,
    with the first place and the count.
    """
    places = set(_beside_han(text))
    # Brackets go as a pair, both or neither: "(1)加强" must not become "(1）加强".
    stack: list[int] = []
    for m in re.finditer(r"[()]", text):
        if m.group() == "(":
            stack.append(m.start())
        elif stack:
            opening, closing = stack.pop(), m.start()
            if opening in places or closing in places:
                places |= {opening, closing}
    places = sorted(places)
    if not places:
        return text, []
    chars = list(text)
    for i in places:
        chars[i] = chars[i].translate(FULL_WIDTH)
    restored = "".join(chars)
    first = places[0]
    return restored, [Fix("width", context(text, first, first + 1), context(restored, first, first + 1),
                          (say(N_("%(n)d ASCII punctuation mark beside Chinese characters restored to full "
                                  "width, as printed") if len(places) == 1 else
                               N_("%(n)d ASCII punctuation marks beside Chinese characters restored to full "
                                  "width, as printed"), n=len(places)),))]


def is_heading(par: str) -> bool:
    """A heading or caption: short, no sentence ends in it, at most one clause break.

    ``主题教育走深走实`` and ``凸顯“黨建紅”,激活產業發展“新動能”`` are headings;
    ``在分红现场,居民们有序排队,逐一签`` (two clause breaks) is a sentence cut short.
    """
    return (
        bool(par)
        and len(par) <= 30
        and not _SENTENCE_END_RE.search(par)
        and len(_CLAUSE_PUNCT_RE.findall(par)) <= 1
    )


#: A paragraph that opens with a short label and a colon (``投标报价：``, ``地址：``) starts a line of its own.
_LABEL_RE = re.compile(r"^[^，,。；;：:]{1,8}[：:]")


def is_split_candidate(par: str, following: str) -> bool:
    """Could a page break have cut ``par`` from ``following``? Necessary, not sufficient.

    ``par`` is body text stopped mid-sentence: a Han character last, no final punctuation, at least
    two clause marks, not a heading. ``following`` reads as its continuation: a Han character first,
    body text (final punctuation last, or long), not a heading, not opening with a label.
    """
    if not par or not following or par[-1] in FINAL_PUNCT or is_heading(par) or is_heading(following):
        return False
    return (is_han(par[-1]) and is_han(following[0]) and len(_CLAUSE_PUNCT_RE.findall(par)) >= 2
            and (following[-1] in FINAL_PUNCT or len(following) > 30) and not _LABEL_RE.match(following))


def crossing_word(par: str, following: str, window: int = 6) -> str | None:
    """The jieba word (all Han) that the two sides form across the break, if any: ``移风`` + ``易俗``."""
    from archive.segmenter import segment

    tail, head = par[-window:], following[:window]
    for word, start, end in segment(tail + head):
        if start < len(tail) < end and all(is_han(c) for c in word):
            return word
    return None


def join_split(par: str, following: str) -> str:
    """Concatenate the halves; a space only between two Latin letters or digits."""
    sep = " " if par[-1].isascii() and par[-1].isalnum() and following[0].isascii() and following[0].isalpha() else ""
    return par + sep + following


def rejoin_paragraphs(paragraphs: list[str]) -> tuple[list[str], list[int], list[Fix]]:
    """Rule 6: rejoin paragraphs split by a page break, only where the break is certainly one.

    Real news written one paragraph a line ends many paragraphs without punctuation (captions, list
    items, credits), so a missing full stop proves nothing. A break is certain when the two sides form
    one jieba word across it (``移风¶易俗``, ``群¶众``); such a break shows the document was cut by page
    breaks, and then its other candidates (:func:`is_split_candidate`: ``清单¶化管理``, ``投入¶资金``) are
    rejoined too. Measured on 7,353 inews articles with their own paragraph breaks: ``python -m bench
    fidelity``. Returns the new paragraphs, for each input paragraph the index of the output paragraph
    it went into, and a fix per join.
    """
    candidates = [i for i in range(1, len(paragraphs)) if is_split_candidate(paragraphs[i - 1], paragraphs[i])]
    certain = [i for i in candidates if crossing_word(paragraphs[i - 1], paragraphs[i])]
    joins = set(candidates) if certain else set()
    out: list[str] = []
    mapping: list[int] = []
    fixes: list[Fix] = []
    for i, par in enumerate(paragraphs):
        if i in joins:
            prev = out[-1]
            out[-1] = join_split(prev, par)
            word = crossing_word(paragraphs[i - 1], par)
            fixes.append(
                Fix("rejoin", f"{prev[-8:]}¶{par[:8]}", f"{prev[-8:]}{par[:8]}",
                    (say(N_("paragraph split mid-sentence by a page break rejoined (the word %(word)s runs across "
                            "it)"), word=word) if word else
                     say(N_("paragraph split mid-sentence by a page break rejoined (the document shows other such "
                            "breaks)")),))
            )
        else:
            out.append(par)
        mapping.append(len(out) - 1)
    return out, mapping, fixes
