"""Simplified/Traditional script facts, from OpenCC (loaded once per process)."""

from __future__ import annotations

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


def is_han(ch: str) -> bool:
    cp = ord(ch)
    return (
        0x4E00 <= cp <= 0x9FFF
        or 0x3400 <= cp <= 0x4DBF
        or 0xF900 <= cp <= 0xFAFF
        or 0x20000 <= cp <= 0x3134F
    )


@cache
def _char_script(ch: str) -> str:
    if to_simplified(ch) != ch:
        return "hant"
    if to_traditional(ch) != ch:
        return "hans"
    return ""


class _ScriptTable(dict):
    """``str.translate`` table: a Traditional-only character → "T", Simplified-only → "S", else nothing."""

    def __missing__(self, code: int) -> str:
        ch = chr(code)
        mark = {"hant": "T", "hans": "S"}.get(_char_script(ch), "") if is_han(ch) else ""
        self[code] = mark
        return mark


_SCRIPT_TABLE = _ScriptTable()


def detect_script(text: str) -> str:
    """Return ``"hant"`` when Traditional-only characters outnumber Simplified-only ones."""
    marks = text.translate(_SCRIPT_TABLE)
    return "hant" if marks.count("T") > marks.count("S") else "hans"


def is_standard_form(ch: str, script: str) -> bool:
    """True when ``ch`` is the form OpenCC writes for its script.

    A variant such as 鎭 (standard Traditional: 鎮) is not, which is how a lost
    byte's candidates are narrowed to characters the document could contain.
    """
    if script == "hant":
        return to_traditional(to_simplified(ch)) == ch
    return to_simplified(ch) == ch
