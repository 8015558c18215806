"""Simplified/Traditional script facts, from OpenCC (loaded once per process)."""

from __future__ import annotations

import sys
from functools import cache

import opencc


@cache
def _converter(config: str) -> opencc.OpenCC:
    return opencc.OpenCC(config)


def to_simplified(text: str) -> str:
    """Traditional → Simplified with OpenCC's ``t2s`` table."""
    return _converter("t2s").convert(text)


def to_traditional(text: str) -> str:
    """Simplified → Traditional with OpenCC's ``s2t`` table."""
    return _converter("s2t").convert(text)


#: The project's one definition of a Han character: CJK Unified Ideographs, Extension A, the
#: Compatibility Ideographs and the supplementary planes' Extensions B–G.
HAN_RANGES = ((0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF), (0x20000, 0x3134F))
#: The same ranges as the body of a regular-expression character class: ``re.compile(f"[{HAN}]")``.
HAN = "".join(f"{chr(a)}-{chr(b)}" for a, b in HAN_RANGES)


def is_han(ch: str) -> bool:
    """True when ``ch`` is a Han character (:data:`HAN_RANGES`)."""
    cp = ord(ch)
    for a, b in HAN_RANGES:
        if a <= cp <= b:
            return True
    return False


@cache
def _char_script(ch: str) -> str:
    if to_simplified(ch) != ch:
        return "hant"
    if to_traditional(ch) != ch:
        return "hans"
    return ""


class _ScriptMarks(dict):
    """A ``str.translate`` table: a Traditional-only Han character → ``T``, a Simplified-only one → ``S``,
    anything else → deleted; each character classified the first time it is met."""

    def __missing__(self, code: int) -> str | None:
        ch = chr(code)
        mark = {"hant": "T", "hans": "S"}.get(_char_script(ch)) if is_han(ch) else None
        self[code] = mark
        return mark


_SCRIPT_MARKS = _ScriptMarks()


class _ScriptCounts:
    """:data:`_SCRIPT_MARKS` as arrays over all code points (+1 Traditional-only, -1 Simplified-only, 0 else),
    each filled the first time its character is met: a text is then counted with two array lookups."""

    def __init__(self) -> None:
        import numpy as np

        self.marks = np.zeros(sys.maxunicode + 1, dtype=np.int8)  # untouched pages are never made
        self.known = np.zeros(sys.maxunicode + 1, dtype=bool)


@cache
def _script_counts() -> _ScriptCounts:
    return _ScriptCounts()


def detect_script(text: str) -> str:
    """Return ``"hant"`` when Traditional-only characters outnumber Simplified-only ones."""
    import numpy as np

    # Counted over the text's code points as an array: a str.translate per character was an eighth of the
    # build's main process at 7,353 articles, and a loop over each document's distinct characters a quarter.
    codes = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype="<u4")
    counts = _script_counts()
    if not counts.known[codes].all():
        for code in np.unique(codes[~counts.known[codes]]).tolist():
            counts.marks[code] = {"T": 1, "S": -1}.get(_SCRIPT_MARKS[code], 0)
            counts.known[code] = True  # after its mark: another thread reads the mark only once it is known
    marks = counts.marks[codes]
    return "hant" if np.count_nonzero(marks == 1) > np.count_nonzero(marks == -1) else "hans"


def is_standard_form(ch: str, script: str) -> bool:
    """True when ``ch`` is the form OpenCC writes for its script.

    A variant such as 鎭 (standard Traditional: 鎮) is not, which is how a lost
    byte's candidates are narrowed to characters the document could contain.
    """
    if script == "hant":
        return to_traditional(to_simplified(ch)) == ch
    return to_simplified(ch) == ch
