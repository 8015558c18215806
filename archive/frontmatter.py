"""Rule 7: recognise title, subtitle and byline and take them out of the body.

Measured on 7,353 inews articles written one paragraph a line (``python -m bench fidelity``): the first
line is the title unless it is a byline, a dateline, or plainly body text; a byline must name a role or
consist of person names (jieba's part-of-speech tag ``nr``), so ordinary text such as ``(微信同号)`` or
``(全剧终)`` and credits such as ``(法院供图)`` stay in the body. Every move is recorded (:class:`Fix`).
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from functools import cache, lru_cache

from archive.cleaning import is_heading
from archive.errors import N_
from archive.model import Author, Fix, say
from archive.script import HAN

_HAN = f"[{HAN}]"
#: Roles printed before names in Chinese bylines (longest first so 本报记者 wins over 记者).
ROLES = (
    "本报记者", "本報記者", "特约记者", "特約記者", "见习记者", "見習記者",
    "本报通讯员", "本報通訊員", "通讯员", "通訊員", "实习生", "實習生", "记者", "記者",
    "编辑", "編輯", "摄影", "攝影",
)
_ANY_ROLE = "|".join(ROLES)
#: A news organisation printed before a role at the byline's start (``新华社记者 张三``, ``人民日报记者 王五``,
#: ``澎湃新闻记者 赵六``): its name ends as a newspaper's, agency's, station's or site's does and holds no role
#: word, and a space parts the role from the names. Part of the role, never an author. Without the space
#: the line is read as text: headlines are written so ("专访新华社记者张严平", "悼念人民日报记者李明").
_ORGANISATION_RE = rf"(?:(?!{_ANY_ROLE}){_HAN}){{1,8}}?[社报報台臺网網视視闻聞刊]"
_ROLE_RE = rf"(?:{_ORGANISATION_RE})?(?:{_ANY_ROLE})"
_BYLINE_MARKS = "□■◇◆"
_BYLINE_TOKEN_RE = re.compile(rf"({_ROLE_RE})|({_HAN}{{2,4}})|(\S)")
_ROLE_SUFFIX_RE = re.compile(rf"(?:{_ANY_ROLE})$")
#: Where a Taiwanese byline was reported from: ``記者林志明／宜蘭報導`` (the place is no author).
_REPORTED_FROM = re.compile(rf"\s*[／/]\s*{_HAN}{{1,8}}(?:報導|报导|報道|报道)$")
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
    #: What was taken out of the body, and why no title was taken when none was.
    moves: list[Fix] = field(default_factory=list)


@cache
def _tagger_parts():
    """jieba's part-of-speech module (its tags of the dictionary's words: 0.3 s with importing jieba) and
    jieba's dictionary as arrays (:func:`archive.segmenter.read_jieba_dictionary`, 0.2 s), once per process.

    jieba's own tagger would first build jieba's prefix dictionary of 349,045 words (0.6 s), on the build's
    path before any other process has work."""
    import jieba
    import jieba.posseg

    from archive.segmenter import read_jieba_dictionary

    jieba.setLogLevel(logging.WARNING)
    return jieba, jieba.posseg, read_jieba_dictionary()


def pos_tags(text: str) -> list[tuple[str, str]]:
    """``jieba.posseg.lcut(text, HMM=True)`` as ``(word, tag)`` pairs.

    jieba's tagger, run on a tokenizer whose prefix dictionary holds only the pieces of ``text`` (each word
    with its frequency, each beginning of a word with 0) and jieba's total: jieba cuts ``text`` looking up
    nothing else, so it cuts and tags as with the whole dictionary (a test compares the two on every byline
    name of the fixtures and on generated text). Cheap for the short names it is asked about."""
    jieba, posseg, dictionary = _tagger_parts()
    tokenizer = jieba.Tokenizer()
    tokenizer.FREQ = dictionary.entries_in(text)
    tokenizer.total = dictionary.lines_total
    tokenizer.initialized = True
    tagger = object.__new__(posseg.POSTokenizer)  # its __init__ would read the tags again: the module's are used
    tagger.tokenizer = tokenizer
    tagger.word_tag_tab = posseg.dt.word_tag_tab
    return [(pair.word, pair.flag) for pair in tagger.lcut(text, HMM=True)]


@lru_cache(maxsize=4096)  # an archive's bylines name the same reporters again and again
def is_person_name(token: str) -> bool:
    """A Chinese person's name: every word jieba's tagger finds in it (HMM on, for names no dictionary
    holds) is tagged as a person's name (``nr``, ``nrt``, ``nrfg``): :func:`pos_tags`.

    ``程一舟``, ``陳紅革``, ``吴柳``, ``吴柳青`` (吴 + 柳青) are; ``微信同号``, ``全剧终``, ``资料图``, ``内江日报``,
    ``法院供图``, ``刘海涛周`` are not.
    """
    return bool(token) and all(tag.startswith("nr") for _, tag in pos_tags(token))


def parse_byline(line: str) -> list[Author] | None:
    """``本报记者 吴柳`` / ``□本报记者 王凤侠 通讯员 刘一帆`` / ``记者王雁博`` / ``新华社记者 张三 李四`` → authors,
    else None."""
    text = _REPORTED_FROM.sub("", line.strip().lstrip(_BYLINE_MARKS).strip())
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
            organisation = role[:_ROLE_SUFFIX_RE.search(role).start()]
            if organisation and (m.start() != 0 or not text[m.end():m.end() + 1].isspace()):
                return None
        else:
            authors.append(Author(m.group(2), role))
    # Only a line shaped like a byline is tagged: the tagger loads a dictionary (seconds, once per process).
    if not (saw_role and authors) or not all(is_person_name(a.name) for a in authors):
        return None  # "记者跑社区": a role word, then no name
    return authors


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
    if pending or len(names) < 2 or not all(is_person_name(n) for n in names):
        return None
    return [Author(n) for n in names]


_CLAUSE_MARKS_RE = re.compile(r"[，,、；;：:]")
#: A line that is only a date (and time, and source): ``2019-01-15 10:23``, ``2019年1月15日 来源：新华网``.
_DATELINE_RE = re.compile(
    r"^[(（]?\d{4}[-/.年]\d{1,2}[-/.月]\d{1,2}日?(?:\s*\d{1,2}[:：]\d{2}(?:[:：]\d{2})?)?[)）]?"
    r"(?:\s*[|｜]?\s*(?:来源|來源|稿源|作者)[:：]\s*[^\s|｜]{1,20}){0,3}$")
_DATELINE_AUTHOR_RE = re.compile(r"作者[:：]\s*([^\s|｜]{1,20})")


def is_dateline(line: str) -> bool:
    return bool(_DATELINE_RE.match(line.strip()))


def dateline_author(line: str) -> str | None:
    """The author a date line names (``2020-01-15 作者：刘晓梅 | 来源：江汉日报`` → 刘晓梅), else None."""
    return m.group(1) if is_dateline(line) and (m := _DATELINE_AUTHOR_RE.search(line)) else None


def reads_as_body(line: str) -> bool:
    """A finished sentence with four or more clause marks: body text, not a headline.

    Of 7,353 inews headlines one reads so; seed 002, whose scraper lost the title, opens with such a line.
    """
    return line.endswith("。") and len(_CLAUSE_MARKS_RE.findall(line)) >= 4


def no_title_reason(first: str) -> str | None:
    """Why ``first`` cannot be a title (a byline, a dateline, body text), or None."""
    if parse_byline(first) is not None:
        return N_("the first line is a byline")
    if is_dateline(first):
        return N_("the first line is a dateline")
    if reads_as_body(first):
        return N_("the first line reads as body text (a finished sentence with four or more clause marks)")
    return None


def extract_front_matter(paragraphs: list[str]) -> FrontMatter:
    """Title (the first line, unless it is a byline, a dateline or body text), subtitle (``——…``) and
    byline, in that order."""
    fm = FrontMatter()
    i = 0
    if not paragraphs:
        return fm
    if names := parse_name_line(paragraphs[0]):
        fm.byline, fm.authors, fm.consumed = paragraphs[0], names, 1
        fm.moves.append(Fix("front-matter", paragraphs[0], "", (say(N_(
            "no printed title: the first line names the authors; taken as the byline")),)))
        return fm
    reason = no_title_reason(paragraphs[0])  # a file of one line is a headline whose body is missing
    if reason:
        fm.moves.append(Fix("front-matter", paragraphs[0][:40], paragraphs[0][:40],
                            (say(N_("no printed title: %(reason)s"), reason=say(reason)),)))
    else:
        fm.title = paragraphs[0]
        fm.moves.append(Fix("front-matter", fm.title, "", (say(N_("the first line, taken as the title")),)))
        i += 1
        # A subtitle reads as a heading; a dash-led line of running text is body, however it starts
        # (news pages put whole articles on one line beginning "——" or "-").
        if i < len(paragraphs) and (m := _SUBTITLE_RE.match(paragraphs[i])) and is_heading(m.group(1).strip()):
            fm.subtitle = m.group(1).strip()
            fm.moves.append(Fix("front-matter", paragraphs[i], "", (say(N_("taken as the subtitle")),)))
            i += 1
    if i + 1 < len(paragraphs):  # a byline is never the last line: front matter leaves the article a body
        authors = parse_byline(paragraphs[i]) or (parse_name_line(paragraphs[i]) if fm.title else None)
        if authors:
            fm.byline, fm.authors = paragraphs[i], authors
            fm.moves.append(Fix("front-matter", paragraphs[i], "", (say(N_("taken as the byline")),)))
            i += 1
    fm.consumed = i
    return fm


#: A lead paragraph's dateline naming its reporters: ``本报讯（记者 孙立平）…``, ``新华社广州11月17日电（记者 张三
#: 李四）…``, ``红网时刻2月28日讯（通讯员 黄艳 罗恩华）…``.
_LEAD_DATELINE_RE = re.compile(r"^[^\s，。,；;（(]{2,24}?[讯訊电電]\s*[（(]([^（()）]{2,40})[）)]")


def extract_lead_authors(first: str) -> tuple[list[Author], str] | None:
    """The reporters a lead paragraph's dateline names (the paragraph keeps it: it is printed there), and
    the names as printed; None when the parenthesis holds anything but roles and names."""
    m = _LEAD_DATELINE_RE.match(first)
    if not m:
        return None
    inner = m.group(1).strip()
    names = _names_in_parentheses(inner)
    return (names, inner) if names else None


def _names_in_parentheses(inner: str) -> list[Author] | None:
    """The authors of a byline printed in parentheses: roles and names (``记者 王玉婷 通讯员 洪恒亮``), or
    person names only (``程一舟 陈红革``); None for ordinary text (``微信同号``, ``全剧终``, ``法院供图``)."""
    if (names := parse_byline(inner)) is not None:
        return names
    tokens = inner.split()
    if not tokens or not all(re.fullmatch(rf"{_HAN}{{2,4}}", t) and is_person_name(t) for t in tokens):
        return None
    return [Author(t) for t in tokens]


def extract_trailing_byline(last: str) -> tuple[str, list[Author], Fix, str] | None:
    """``…新引擎”。(程一舟 陈红革)`` at the end of the last paragraph → the paragraph without it, the
    authors, the fix, and the byline as printed (roles and spacing kept: ``记者 王玉婷 通讯员 洪恒亮``)."""
    m = _TRAILING_NAMES_RE.search(last)
    if not m or m.start() == 0:
        return None
    names = _names_in_parentheses(m.group(1))  # "(微信同号)", "(全剧终)": ordinary text, which stays
    if names is None:
        return None
    kept = last[:m.start()].rstrip()
    fix = Fix("byline", last[m.start() - 4:], last[m.start() - 4:m.start()],
              (say(N_("trailing byline %(byline)s moved out of the body into the byline"), byline=m.group(0)),))
    return kept, names, fix, m.group(1)
