"""Rule 7: recognise title, subtitle and byline and take them out of the body."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from archive.cleaning import is_heading
from archive.model import Author, Fix
from archive.script import HAN

_HAN = f"[{HAN}]"
#: Roles printed before names in Chinese bylines (longest first so 本报记者 wins over 记者).
ROLES = (
    "本报记者", "本報記者", "特约记者", "特約記者", "见习记者", "見習記者",
    "本报通讯员", "本報通訊員", "通讯员", "通訊員", "实习生", "實習生", "记者", "記者",
    "编辑", "編輯", "摄影", "攝影",
)
_ROLE_RE = "|".join(ROLES)
_BYLINE_MARKS = "□■◇◆"
_BYLINE_TOKEN_RE = re.compile(rf"({_ROLE_RE})|({_HAN}{{2,4}})|(\S)")
_SUBTITLE_RE = re.compile(r"^[—─-]{1,3}\s*(.+)$")
_TRAILING_NAMES_RE = re.compile(
    rf"[(（]\s*({_HAN}{{2,4}}(?:[ \u3000]+{_HAN}{{2,4}})*)\s*[)）]$"
)


@dataclass
class FrontMatter:
    title: str | None = None
    subtitle: str | None = None
    byline: str | None = None
    authors: list[Author] = field(default_factory=list)
    consumed: int = 0  # how many leading paragraphs were front matter


def parse_byline(line: str) -> list[Author] | None:
    """``本报记者 吴柳`` / ``□本报记者 王凤侠 通讯员 刘一帆`` / ``记者王雁博`` → authors, else None."""
    text = line.strip().lstrip(_BYLINE_MARKS).strip()
    if not text or len(text) > 40:
        return None
    authors: list[Author] = []
    role: str | None = None
    saw_role = False
    for m in _BYLINE_TOKEN_RE.finditer(text):
        if m.group(3):
            return None  # anything but roles and names: not a byline
        if m.group(1):
            role, saw_role = m.group(1), True
        else:
            authors.append(Author(m.group(2), role))
    return authors if saw_role and authors else None


def parse_name_line(line: str) -> list[Author] | None:
    """A bare line of names, as typeset with two-character names spaced out: ``周 俊 龙良红 刘 璐``."""
    tokens = line.split()
    # Three or more tokens: two words separated by a space are far more often a title.
    if len(tokens) < 3 or len(line) > 30:
        return None
    if not all(re.fullmatch(rf"{_HAN}{{1,3}}", t) for t in tokens):
        return None
    names: list[str] = []
    pending = ""
    for tok in tokens:
        if len(tok) == 1:
            pending += tok
            if len(pending) == 2:
                names.append(pending)
                pending = ""
        elif pending:
            return None
        else:
            names.append(tok)
    if pending or len(names) < 2:
        return None
    return [Author(n) for n in names]


_TITLE_BAD_END = set("。；;，,、：:")


def _is_title_like(par: str) -> bool:
    """Short, no full stop inside, not ending like a clause; ``…“细胞”`` and ``吗？`` are fine."""
    return bool(par) and len(par) <= 40 and par[-1] not in _TITLE_BAD_END and "。" not in par


def extract_front_matter(paragraphs: list[str]) -> FrontMatter:
    """Title (first line, if heading-like), subtitle (``——…``) and byline, in that order."""
    fm = FrontMatter()
    i = 0
    if i < len(paragraphs) and (names := parse_name_line(paragraphs[i])):
        fm.byline, fm.authors = paragraphs[i], names
        fm.consumed = 1
        return fm
    if i < len(paragraphs) and _is_title_like(paragraphs[i]) and parse_byline(paragraphs[i]) is None:
        if len(paragraphs) > 1:
            fm.title = paragraphs[i]
            i += 1
            # A subtitle reads as a heading; a dash-led line of running text is body, however it starts
            # (news pages put whole articles on one line beginning "——" or "-").
            if i < len(paragraphs) and (m := _SUBTITLE_RE.match(paragraphs[i])) and is_heading(m.group(1).strip()):
                fm.subtitle = m.group(1).strip()
                i += 1
    if i + 1 < len(paragraphs):  # a byline is never the last line: front matter leaves the article a body
        authors = parse_byline(paragraphs[i]) or (parse_name_line(paragraphs[i]) if fm.title else None)
        if authors:
            fm.byline, fm.authors = paragraphs[i], authors
            i += 1
    fm.consumed = i
    return fm


def extract_trailing_byline(last: str) -> tuple[str, list[Author], Fix] | None:
    """``…新引擎”。(程一舟 陈红革)`` at the end of the last paragraph → names, taken out of the body."""
    m = _TRAILING_NAMES_RE.search(last)
    if not m or m.start() == 0:
        return None
    # "(记者 王玉婷 通讯员 洪恒亮)": role words are roles, not names; "(程一舟 陈红革)": names only.
    names = parse_byline(m.group(1)) or [Author(n) for n in m.group(1).split()]
    kept = last[:m.start()].rstrip()
    fix = Fix("byline", last[m.start() - 4:], last[m.start() - 4:m.start()],
              f"trailing byline {m.group(0)} moved out of the body into the byline")
    return kept, names, fix
