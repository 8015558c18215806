"""A document's repair log as its page shows it: a count per rule, in full the rows that changed what a reader
reads, the routine rows folded by rule; and, for each ``〓`` of the body, the row that explains it."""

from __future__ import annotations

from dataclasses import dataclass, field

from archive.errors import N_
from archive.model import Document, Repair
from archive.mojibake import LOST

#: Rules whose rows are folded on the page. Chosen from seed 002 (a Traditional article scraped with pinyin
#: and garbled bytes): of its 457 rows, 268 are ``pinyin`` (the scraper's "鎮(zhèn)" annotation dropped, the
#: character kept), 162 ``comma`` (one of two ASCII commas the scraper doubled before a mark) and 19 ``width``
#: (",", ";" beside Han restored to the full-width marks the paper printed). None of them changes or loses a
#: character of the article as printed, and read one by one they buried the 8 rows that do, 13,000 px down.
#: ``nfc`` and ``zero-width`` change nothing visible either, and ``rejoin`` puts back a paragraph that a page
#: break split, keeping every character (seed 004). Shown in full: ``mojibake`` (characters decoded again,
#: chosen from pinyin, or lost as 〓: what a reader must check before quoting), ``byline`` (text moved out of
#: the body), ``front-matter`` (which lines became title, subtitle and byline, or that the title is
#: supplied), and any rule not named here, which stays in view until someone decides it is routine.
ROUTINE_RULES = frozenset({"width", "nfc", "zero-width", "comma", "pinyin", "rejoin"})

#: What each rule does, for the summary (English messages, translated where shown).
RULE_DESCRIPTIONS = {
    "mojibake": N_("Garbled bytes decoded again; 〓 marks a character that could not be recovered"),
    "byline": N_("A byline at the end of the body moved into the byline"),
    "front-matter": N_("Title, subtitle and byline taken from the first lines, or the title supplied"),
    "pinyin": N_("The scraper's pinyin annotations removed"),
    "comma": N_("Stray ASCII commas before punctuation removed"),
    "width": N_("ASCII punctuation beside Chinese restored to full width"),
    "rejoin": N_("Paragraphs split by a page break joined again"),
    "page": N_("Lines of a saved page around the article taken off: the headline repeated, an editor's line, "
               "links, buttons"),
    "nfc": N_("Unicode normalisation (NFC)"),
    "zero-width": N_("Invisible zero-width characters removed"),
}


@dataclass
class RuleGroup:
    """One rule's rows; each row with its number in ``doc.repairs`` (1-based, the row's id ``repair-K``)."""

    rule: str
    routine: bool
    description: str
    rows: list[tuple[int, Repair]] = field(default_factory=list)

    @property
    def anchor(self) -> str:
        """Where the summary sends a reader: the fold of a routine rule, else the rule's first row."""
        return f"repairs-{self.rule}" if self.routine else f"repair-{self.rows[0][0]}"


@dataclass
class RepairLog:
    groups: list[RuleGroup]  # the rules shown in full first, then the routine ones; the most rows first
    shown: list[tuple[int, Repair]]  # the rows of rules shown in full, in the document's order

    @property
    def folded(self) -> list[RuleGroup]:
        return [g for g in self.groups if g.routine]


def repair_log(doc: Document) -> RepairLog:
    by_rule: dict[str, RuleGroup] = {}
    shown = []
    for k, repair in enumerate(doc.repairs, 1):
        routine = repair.rule in ROUTINE_RULES
        group = by_rule.setdefault(repair.rule, RuleGroup(repair.rule, routine,
                                                          RULE_DESCRIPTIONS.get(repair.rule, "")))
        group.rows.append((k, repair))
        if not routine:
            shown.append((k, repair))
    groups = sorted(by_rule.values(), key=lambda g: (g.routine, -len(g.rows), g.rule))
    return RepairLog(groups, shown)


def lost_rows(doc: Document) -> dict[int, dict[int, int]]:
    """For each paragraph holding a ``〓`` that a repair put there: the offset of each such ``〓`` in the
    paragraph → the number of its repair row (1-based in ``doc.repairs``).

    A row accounts for the ``〓`` its ``after`` has beyond its ``before``: a ``width`` or ``comma`` row's
    context may show a ``〓`` that ``mojibake`` made, and the article may print ``〓`` itself (printers use it
    for an illegible character), which no row explains. Each row's ``after`` is looked for in the paragraph,
    after the last row's, so that its ``〓`` are the ones it made; a row whose ``after`` a later rule changed
    takes the next ``〓`` not yet explained, as the rows are recorded in the order of the text.
    """
    made: dict[int, list[tuple[int, Repair]]] = {}
    for k, r in enumerate(doc.repairs, 1):
        if r.paragraph is not None and r.after.count(LOST) > r.before.count(LOST):
            made.setdefault(r.paragraph, []).append((k, r))
    out: dict[int, dict[int, int]] = {}
    for n, rows in made.items():
        if not 1 <= n <= len(doc.paragraphs):
            continue
        par = doc.paragraphs[n - 1]
        where: dict[int, int] = {}
        cursor = 0  # rows are recorded in the order of the text: each is looked for after the last
        for k, r in rows:
            wanted = r.after.count(LOST) - r.before.count(LOST)
            at = par.find(r.after, cursor)
            if at >= 0:
                # A context before the lost character may show an older 〓: the row's own are its last.
                marks = [i for i in range(at, at + len(r.after)) if par[i] == LOST][-wanted:]
                cursor = at + len(r.after)
            else:
                marks = [i for i in range(cursor, len(par)) if par[i] == LOST][:wanted]
                cursor = marks[-1] + 1 if marks else cursor
            where.update(dict.fromkeys(marks, k))
        out[n] = where
    return out
