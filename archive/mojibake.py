"""Rule 5: repair GBK mojibake spans such as ``?!彼魏渔?zhèn)`` (seed 002).

How the damage happened (reconstructed from the bytes of seed 002): the article
was GBK-encoded with a pinyin annotation after some characters. A half-width
conversion then replaced the two bytes ``A3 A1`` — GBK's ``！`` — with ASCII
``!`` even where they were really the tail of ``。`` (``A1 A3``) and the head
of ``”`` (``A1 B1``). The decoder, now out of step, paired each character's
second byte with the next one's first (``B1 CB`` → 彼), and where a first byte
met an invalid partner it wrote ``?``, sometimes swallowing the ``(`` of the
next annotation (``渔?zhèn)``).

Repair re-encodes the span, puts ``A3 A1`` back for ``!``, pairs the bytes in
step again and decodes. A ``?`` is one lost byte: the character it belongs to
is chosen from its pinyin annotation when exactly one standard character of
the document's script fits, and is otherwise shown as ``〓`` (the printer's
mark for an unknown character). Nothing is guessed; every span is recorded.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from archive.cleaning import PINYIN_SYLLABLE, TONED_VOWELS
from archive.errors import N_
from archive.model import Fix, Message, say
from archive.script import is_han, is_standard_form

LOST = "〓"
_MAX_SPAN = 40
_EATEN_ANNOTATION_RE = re.compile(rf"({PINYIN_SYLLABLE})\)")
_ANNOTATION_RE = re.compile(rf"\(({PINYIN_SYLLABLE})\)")
_FULLWIDTH_BANG = b"\xa3\xa1"
_TONED = re.compile(f"[{TONED_VOWELS}]")


@dataclass
class _Byte:
    value: int | None  # None: the byte is lost
    pinyin: str | None = None  # annotation of the character this byte ends


@dataclass(frozen=True)
class _Span:
    start: int
    end: int
    data: tuple[_Byte, ...]


def _gbk(ch: str) -> bytes | None:
    try:
        encoded = ch.encode("gbk")
    except UnicodeEncodeError:
        return None
    return encoded if len(encoded) == 2 else None


def _parse_span(text: str, start: int) -> _Span | None:
    """Read a span starting at the ``?`` at ``start``; ``None`` if it is not mojibake."""
    data: list[_Byte] = []
    pos = start
    while pos < len(text) and pos - start < _MAX_SPAN:
        ch = text[pos]
        terminator = False
        if ch == "?":
            data.append(_Byte(None))
            pos += 1
            m = _EATEN_ANNOTATION_RE.match(text, pos)
            if m:
                data[-1].pinyin = m.group(1)
                pos = m.end()
            terminator = pos - start > 1 or bool(m)
        elif ch == "!" and pos == start + 1:
            data.extend(_Byte(b) for b in _FULLWIDTH_BANG)
            pos += 1
        elif ch.isascii() and ch.isalpha():
            m = _ANNOTATION_RE.match(text, pos + 1)
            if not m:
                return None
            data.append(_Byte(ord(ch), m.group(1)))
            pos = m.end()
            terminator = True
        else:
            encoded = _gbk(ch)
            if encoded is None:
                return None
            data.extend(_Byte(b) for b in encoded)
            pos += 1
        if terminator and len(data) % 2 == 0 and len(data) >= 4:
            # Every damaged span of that scraper holds a pinyin annotation; without one, a
            # ``?…?`` stretch is ordinary text that realigns into nonsense by chance.
            if not any(b.pinyin for b in data):
                return None
            return _Span(start, pos, tuple(data))
    return None


@cache
def _readings(ch: str) -> frozenset[str]:
    from pypinyin import Style, pinyin  # loaded only when a span needs it

    return frozenset(pinyin(ch, style=Style.TONE, heteronym=True)[0])


@cache
def _candidates(lead: int | None, trail: int | None) -> tuple[str, ...]:
    leads = [lead] if lead is not None else range(0x81, 0xFF)
    trails = [trail] if trail is not None else [t for t in range(0x40, 0xFF) if t != 0x7F]
    found = []
    for lo in leads:
        for tr in trails:
            try:
                found.append(bytes([lo, tr]).decode("gbk"))
            except UnicodeDecodeError:
                continue
    return tuple(found)


def _resolve(first: _Byte, second: _Byte, script: str) -> tuple[str, Message | None]:
    """Decode one byte pair; return the character and a note on how it was found."""
    pinyin = first.pinyin or second.pinyin
    if first.value is not None and second.value is not None:
        ch = bytes([first.value, second.value]).decode("gbk")
        if pinyin and pinyin not in _readings(ch):
            return ch, say(N_("%(ch)s from bytes %(bytes)s (annotation %(pinyin)s does not fit)"),
                           ch=ch, bytes=f"{first.value:02X}{second.value:02X}", pinyin=pinyin)
        return ch, None
    known = first.value if first.value is not None else second.value
    # The surviving byte, as a phrase of its own: the note's sentences are translated whole.
    known_desc = (N_("first byte %(byte)s") if first.value is not None else N_("second byte %(byte)s")
                  ) if known is not None else N_("no byte")
    byte = f"{known:02X}" if known is not None else ""
    pool = _candidates(first.value, second.value)
    if pinyin:
        fits = [c for c in pool if is_han(c) and is_standard_form(c, script) and pinyin in _readings(c)]
        if len(fits) == 1:
            return fits[0], say(N_("%(ch)s from %(known)s and pinyin %(pinyin)s (the only standard %(script)s "
                                   "character)"), ch=fits[0], known=say(known_desc, byte=byte), pinyin=pinyin,
                                script=say(N_("Traditional") if script == "hant" else N_("Simplified")))
        if fits:
            return LOST, say(N_("%(lost)s: %(known)s and pinyin %(pinyin)s fit %(n)d standard characters "
                                "(%(fits)s)"), lost=LOST, known=say(known_desc, byte=byte), pinyin=pinyin,
                             n=len(fits), fits="".join(fits[:8]))
        return LOST, say(N_("%(lost)s: %(known)s and pinyin %(pinyin)s fit no standard character"),
                         lost=LOST, known=say(known_desc, byte=byte), pinyin=pinyin)
    return LOST, say(N_("%(lost)s: a character lost (%(known)s survives, %(n)d candidates, no pinyin)"),
                     lost=LOST, known=say(known_desc, byte=byte), n=len(pool))


def _decode_span(span: _Span, script: str) -> tuple[str, list[Message]] | None:
    chars: list[str] = []
    notes: list[Message] = []
    data = span.data
    anchored = False
    for i in range(0, len(data), 2):
        first, second = data[i], data[i + 1]
        if first.value is not None and second.value is not None:
            try:
                bytes([first.value, second.value]).decode("gbk")
            except UnicodeDecodeError:
                return None
            anchored = anchored or first.value == 0xA1  # GBK punctuation row: the realignment holds
        ch, note = _resolve(first, second, script)
        chars.append(ch)
        if note:
            notes.append(note)
    return ("".join(chars), notes) if anchored else None


def repair_mojibake(text: str, script: str) -> tuple[str, list[Fix]]:
    """Rule 5: find every mojibake span (it starts at a ``?`` after non-ASCII text) and repair it."""
    if "?" not in text or not _TONED.search(text):
        return text, []  # a span always holds a pinyin annotation, so it needs a tone mark
    fixes: list[Fix] = []
    out: list[str] = []
    pos = 0
    i = text.find("?")
    while i != -1:
        span = None
        if i > 0 and not text[i - 1].isascii():
            span = _parse_span(text, i)
        decoded = _decode_span(span, script) if span else None
        if span and decoded:
            repaired, notes = decoded
            out.append(text[pos:span.start])
            out.append(repaired)
            fixes.append(
                Fix("mojibake", text[span.start:span.end], repaired,
                    (say(N_("GBK bytes realigned")), *(notes or [say(N_("every byte survived"))])))
            )
            pos = span.end
            i = text.find("?", pos)
        else:
            i = text.find("?", i + 1)
    out.append(text[pos:])
    return "".join(out), fixes
