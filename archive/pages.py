"""Rule 0 of a saved news page (``*.html``, ``*.htm``): the article's lines, its captions and its metadata.

The article's text is extracted by trafilatura (the field's standard; measured against readability-lxml on
``tests/data/pages`` by ``python -m bench pages``), never by stripping tags by hand. Around it:

- the bytes are decoded strictly, as a text file's are (``archive.decoding``), unless the page declares an
  encoding other than UTF-8 and the GB family (Big5, say), which is then the one used;
- ruby annotations (``<rt>``, ``<rp>``) are dropped before extraction, so ``<ruby>鎮<rt>zhèn</rt></ruby>``
  reads ``鎮``, not the ``鎮(zhèn)`` of a flattening scraper;
- captions (``<figcaption>``, an element whose class names a caption) are taken out of the page and kept
  apart: they are not paragraphs of the article;
- what the extractor lets through around the article (the headline and a section label before it; an
  editor's line, share buttons, "上一篇/下一篇" links, a reprint notice after it) is taken off the ends, each
  line recorded as a repair (rule ``page``);
- the metadata is read from the page's own declarations (Open Graph, ``<meta>``, the canonical link), the
  date from the page's markup (htmldate, markup only) or else from its date line, and every field says
  where it came from (:attr:`Page.origins`).
"""

from __future__ import annotations

import codecs
import importlib
import json
import re
from dataclasses import dataclass, field
from functools import cache
from urllib.parse import urlsplit

from archive.cleaning import is_heading
from archive.decoding import decode_bytes
from archive.errors import N_, SourceError
from archive.frontmatter import dateline_author, is_dateline, parse_byline
from archive.model import Fix, is_one_line, say
from archive.script import is_han

PAGE_SUFFIXES = (".html", ".htm")

#: Encodings that :func:`archive.decoding.decode_bytes` already tells apart by trying them strictly. A page
#: saved from a GBK site and converted to UTF-8 often keeps its ``charset=gb2312``: the bytes decide.
_TRIED_ANYWAY = frozenset({"utf-8", "gb18030", "gbk", "gb2312", "ascii", "us-ascii"})

#: A class that names a caption: ``caption``, ``img-caption``, ``pic_caption``, ``figure-caption``; an element
#: that holds paragraphs or sections is a container (``<div class="article has-caption">``), never a caption.
_CAPTION_XPATH = ("//figcaption | //*[contains(translate(@class, 'CAPTION', 'caption'), 'caption')"
                  " or contains(@class, 'pictext') or contains(@class, 'img-desc') or contains(@class, 'pic-desc')]"
                  "[not(.//p or .//div or .//section or .//article or .//table or .//ul or .//h1 or .//h2)]")
#: A caption is a sentence or two; a page may have many, not thousands.
_CAPTION_MAX, _CAPTIONS_MAX = 300, 500

#: A date as Chinese pages print it: 2020年01月15日, 2020-01-15, 2020/1/15, 2020.01.15.
_DATE_RE = re.compile(r"(?<!\d)((?:19|20)\d{2})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?")
#: How the date line of a page's header begins (``发布时间：2020年01月15日08:00　来源：…``).
_DATE_LINE_MARK = re.compile(
    r"^(?:发布时间|發佈時間|發布時間|发布日期|發佈日期|時間|时间|日期|更新时间|更新時間)\s*[:：]")
_SOURCE_LINE_RE = re.compile(r"(?:来源|來源|稿源)\s*[:：]\s*([^\s|｜/，,。；;、（(：:]{2,20})")
#: The print edition a newspaper site names under or after an article: ``《人民日报》（2020年01月15日 第04版）``,
#: ``《 人民日报 》（ 2020年01月15日 04 版）``: the newspaper, the date and the page (版次) a citation gives.
_PRINT_EDITION = re.compile(
    r"^[（(]?\s*《\s*(?P<paper>[^《》]{2,20}?)\s*》\s*[（(]\s*(?P<y>(?:19|20)\d{2})\s*年\s*(?P<m>\d{1,2})\s*月"
    r"\s*(?P<d>\d{1,2})\s*日\s*(?:第\s*)?(?P<page>\d{1,3})\s*版\s*[）)]\s*[）)]?$")

#: Lines the extractor may let through after the article, as whole lines. Each is page furniture on a news
#: site: an editor's or proofreader's line, a reprint or copyright notice, links to the previous and next
#: articles, share and print buttons, "scan to follow our account".
_TRAILING_FURNITURE = re.compile(
    # an editor's line: 责任编辑：陈思, （责编：钱伟、周敏）, 编辑：黄蕾　校对：孙宁, 责任编辑 张三, 编辑 | 张三
    r"^[（(【\[]?\s*(?:责任编辑|責任編輯|责编|責編|编辑|編輯|校对|校對|审核|審核|审校|審校|监制|監製|主编|主編|"
    r"值班编辑|值班編輯|终审|終審|初审|初審|复审|複審|实习编辑|實習編輯)\s*[:：|｜]"
    r"|^[（(【\[]?\s*(?:责任编辑|責任編輯|责编|責編)\s"
    # links to the previous and next articles, share and print buttons
    r"|(?:上一篇|下一篇|上一條|下一條|上一条|下一条)\s*[:：]|^(?:上一篇|下一篇)(?:\s|$)"
    r"|^(?:分享到|分享至|分享)(?:\s|[:：]|$)"
    r"|^[【\[]?\s*(?:打印本页|打印|关闭窗口|關閉窗口|我要纠错|我要糾錯|纠错|糾錯|返回顶部|返回頂部|收藏)\s*(?:[】\]]|\s|$)"
    # the places a share button names, each a line of its own
    r"|^(?:微信|微博|朋友圈|QQ空间|QQ空間|新浪微博|腾讯微博|騰訊微博|豆瓣|Facebook|Twitter|LINE)$"
    # where the text came from, when the page says it after the article
    r"|^(?:本文)?(?:来源|來源|稿源)\s*[:：]"
    # a reprint, copyright or disclaimer notice: it starts as one
    r"|^(?:©|\(c\)|copyright|(?:版权所有|版權所有)(?![人者方])|版权声明|版權聲明|免责声明|免責聲明"
    r"|(?:声明|聲明)\s*(?:[:：]|$))"
    r"|^[（(]?(?:本文|本栏目|本欄目|本网|本網|本站|本报|本報)[^。]*(?:版权|版權|转载|轉載|授权|授權|出处|出處|观点|觀點)",
    re.IGNORECASE)
#: "扫一扫，关注…公众号", "下载客户端": a call to the reader, furniture when it is no sentence of the article
#: ("市民可扫码预约参观。" is one).
_CALL_TO_READER = re.compile(r"扫一扫|掃一掃|扫码|掃碼|公众号|公眾號|客户端|客戶端|二维码|二維碼")
#: A furniture line is short: a paragraph of the article that happens to quote "版权所有" is not one.
_FURNITURE_MAX = 60
#: The heading of a block of links after the article; the lines after it are the links' titles.
_LINK_BLOCK_HEADINGS = frozenset({
    "相关新闻", "相關新聞", "相关阅读", "相關閱讀", "延伸阅读", "延伸閱讀", "推荐阅读", "推薦閱讀", "热点排行",
    "熱點排行", "相关专题", "相關專題", "更多新闻", "更多新聞", "猜你喜欢", "猜你喜歡"})
_PREVIOUS_NEXT = re.compile(r"^(?:上一篇|下一篇|上一條|下一條|上一条|下一条)\s*[:：]")
_SENTENCE_END = tuple("。！？!?」』”\"）)")
#: A line with a letter, a digit or a Han character: any other (``|``, ``>>``) is no line of an article.
_WORDS = re.compile(r"[^\W_]")
#: How far into the extracted lines a page's headline may stand (after a section label, a breadcrumb, the
#: links of a navigation bar that the extractor kept).
_HEAD_LINES = 10
_HEAD_FURNITURE_MAX = 20


@dataclass
class Page:
    """What a saved news page holds of its article."""

    lines: list[str]
    captions: list[str] = field(default_factory=list)
    #: title, subtitle, byline, date (ISO), publication, url: each only when the page states it.
    meta: dict[str, str] = field(default_factory=dict)
    #: For each field of ``meta``: where the page states it (``og:title``, ``<h1>``, ``the date line`` …).
    origins: dict[str, str] = field(default_factory=dict)
    #: The lines of page furniture taken off the ends of the text, each with why.
    removed: list[Fix] = field(default_factory=list)
    #: Whether the page's body shows any text (not a page whose text a script writes, saved before it ran).
    shows_text: bool = True


def decode_page(data: bytes, name: str) -> tuple[str, str]:
    """The page's text and encoding, decoded strictly. Bytes that are UTF-8 are read as UTF-8 whatever the
    page says (a browser saves a page as UTF-8 and keeps its old ``charset``); else the encoding the page
    declares, when it is not of the GB family; else GB18030, the widest of GB2312 and GBK. Bytes that fit
    none refuse the file by name."""
    from w3lib.encoding import html_body_declared_encoding

    if data.startswith(b"\xef\xbb\xbf"):
        return decode_bytes(data, name)
    try:
        return decode_bytes(data.decode("utf-8").encode("utf-8"), name)
    except (UnicodeDecodeError, SourceError):
        pass
    declared = html_body_declared_encoding(data[:4096])
    if declared and declared.lower() not in _TRIED_ANYWAY and not declared.lower().startswith("utf"):
        if _single_byte(declared) and (reading := _single_byte_or_gb(data, declared, name)):
            return reading
        try:
            return data.decode(declared), declared
        except (UnicodeDecodeError, LookupError) as exc:
            raise SourceError(name, f"declares the encoding {declared} but is not valid {declared} ({exc}); "
                                    "save the page again, or convert it to UTF-8, and rebuild") from exc
    text, encoding = decode_bytes(data, name)
    # Undeclared Big5 bytes decode as GB18030 without an error, into private-use and rare characters.
    if (encoding == "gb18030" and not declared
            and sum(0xE000 <= ord(c) <= 0xF8FF for c in text) > max(10, len(text) // 100)):
        raise SourceError(name, "decodes as GB18030 only into private-use characters: it is in another "
                                "encoding (Big5?) that it does not declare; add <meta charset=…> or convert it")
    return text, encoding


def _single_byte(encoding: str) -> bool:
    """Whether ``encoding`` gives one character a byte (Latin-1, windows-1252, KOI8-R…): any bytes read."""
    try:
        name = codecs.lookup(encoding).name
    except LookupError:
        return False
    if name == "iso8859-1":
        return True
    try:
        return hasattr(importlib.import_module("encodings." + name.replace("-", "_")), "decoding_table")
    except ImportError:
        return False


def _single_byte_or_gb(data: bytes, declared: str, name: str) -> tuple[str, str] | None:
    """The page read in the single-byte encoding it declares, unless it is GBK that says so; None when
    neither reads it.

    A page served as GBK keeps a stale ``charset=iso-8859-1`` when saved as it came, and a single-byte
    encoding reads nearly any bytes into letters without an error. When GB18030 reads the bytes too,
    charset_normalizer judges which of the two readings is text. When GB18030 reads all of them but a few,
    into Chinese, the page is GBK with bytes that fit no encoding: refused, as any such file is, rather than
    read into letters."""
    readings = {}
    for encoding in (declared, "gb18030"):
        try:
            readings[encoding] = data.decode(encoding)
        except UnicodeDecodeError as exc:
            if encoding == "gb18030" and declared in readings:
                _refuse_gbk_with_stray_bytes(data, declared, name, exc.start)
    if len(readings) == 2:
        if sum(b > 0x7F for b in data) < _JUDGED_FROM:
            # Too little to judge by (it misread 226 of 1,680 short GBK pages, and 65 of 1,479 short Cyrillic,
            # Greek and Polish ones): a Western charset, stale on a Chinese site, is GBK when GB18030 reads it
            # into common characters; any other single-byte charset is taken at its word.
            western = codecs.lookup(declared).name in _WESTERN
            chosen = "gb18030" if western and _common_chinese(readings["gb18030"]) else declared
        else:
            from charset_normalizer import from_bytes

            best = from_bytes(data, cp_isolation=[codecs.lookup(declared).name, "gb18030"],
                              preemptive_behaviour=False, threshold=1.0).best()
            chosen = "gb18030" if best is not None and best.encoding == "gb18030" else declared
        return readings[chosen], chosen
    return next(((text, encoding) for encoding, text in readings.items()), None)


#: Below this many bytes beyond ASCII, charset-normalizer is not asked (a review measured it on short pages).
_JUDGED_FROM = 100
#: The charsets a Chinese site's page declares by mistake (w3lib names iso-8859-1, latin-1 and ascii cp1252).
_WESTERN = frozenset({"cp1252", "iso8859-1", "ascii"})


def _common_chinese(text: str) -> bool:
    """Whether at least half the characters of ``text`` beyond ASCII are GB2312's punctuation and symbols or
    its 3,755 common characters (its first level): Chinese text is mostly; Latin letters misread as GBK pairs
    mostly not."""
    others = [c for c in text if ord(c) > 0x7F]
    common = 0
    for c in others:
        try:
            lead = c.encode("gb2312")[0]
        except UnicodeEncodeError:
            continue
        common += 0xA1 <= lead <= 0xA9 or 0xB0 <= lead <= 0xD7
    return bool(others) and common * 2 >= len(others)


def _gb18030_and_stray(data: bytes) -> tuple[str, int]:
    """``data`` read strictly as GB18030 but for the runs of bytes that fit no character, left out, and how
    many such runs there are. Each read stops at the next run: twice the page's bytes in all."""
    view, parts, stray, at = memoryview(data), [], 0, 0
    while True:
        try:
            parts.append(codecs.decode(view[at:], "gb18030"))
            return "".join(parts), stray
        except UnicodeDecodeError as exc:
            parts.append(codecs.decode(view[at:at + exc.start], "gb18030"))
            stray += 1
            at += exc.end


def _refuse_gbk_with_stray_bytes(data: bytes, declared: str, name: str, first: int) -> None:
    """Raise if ``data``, GB18030 but for a few bytes, reads into Chinese text. (A byte inside a character
    puts the rest out of step, into other Han characters: refused too. A Latin page read as GB18030 fails
    at nearly every accented letter.)"""
    # Only counted, never kept: the page is refused here or read strictly in its declared encoding.
    text, stray = _gb18030_and_stray(data)
    others = [c for c in text if ord(c) > 0x7F]
    han = sum(1 for c in others if is_han(c))
    if stray <= max(3, len(others) // 100) and han >= 20 and han >= 0.5 * len(others):
        raise SourceError(name, f"declares the encoding {declared}, but its bytes are GBK (GB18030) but for {stray} "
                                f"that fit no encoding (the first at byte {first}); read as {declared}, it would "
                                "be letters, not its Chinese text: save the page again, or convert it to UTF-8, "
                                "and rebuild")


_HTML_SPACE = re.compile(r"[ \t\n\r\f]+")


def _squeeze(text: str) -> str:
    """HTML's white space (ASCII only) run together; the ends stripped of any space, the ideographic space
    of an indent included. A U+3000 inside a line is a character the paper printed: it stays."""
    return _HTML_SPACE.sub(" ", text).strip()


def _text(element) -> str:
    return _squeeze(element.text_content())


def _meta(tree, *keys: str) -> tuple[str, str] | None:
    """The first non-empty ``<meta property|name=KEY content=…>`` of ``keys``: (content, key)."""
    for key in keys:
        for attr in ("property", "name", "itemprop"):
            for value in tree.xpath(f"//meta[@{attr}=$key]/@content", key=key):
                if value.strip():
                    return _squeeze(value), key
    return None


def _unwrap_layout_tables(tree) -> None:
    """A table that lays out the page (a cell holding paragraphs, divisions or another table: the pages of
    the 2000s) becomes divisions, so that the extractor reads its cells as the page's blocks; a table of data
    (cells of text) stays a table, whose rows the extractor gives one a line."""
    for table in tree.xpath("//table[.//td//p or .//td//div or .//td//table or .//th//p or .//td//br]"):
        for element in [table, *table.iter("tbody", "thead", "tfoot", "tr", "td", "th")]:
            element.tag = "div"


#: trafilatura's form of a table row (``| 指标 | 数值 |``) and of the line under a header row (``|---|---|``).
_TABLE_RULE = re.compile(r"^\|(?:\s*-+\s*\|)+$")


def _table_row(line: str) -> str:
    """A table row as a line of the article: its cells joined by " | ", without the outer bars."""
    if line.startswith("|") and line.endswith("|") and len(line) > 2:
        return " | ".join(cell.strip().replace("\\|", "|") for cell in re.split(r"(?<!\\)\|", line[1:-1]))
    return line


def _drop_unshown(tree) -> None:
    """Drop what a reader of the page does not see as its text: ruby annotations (the base text stays) and
    ``<noscript>`` ("请开启JavaScript", shown only without scripts)."""
    for element in list(tree.iter("rt", "rp", "noscript")):
        element.drop_tree()  # keeps the tail: the base text that follows stays in place


def _take_captions(tree) -> list[str]:
    """Take the page's captions out of it: their texts, in order, each once. A longer "caption" stays in
    the page for the extractor (it is text, whatever its class says)."""
    captions: dict[str, None] = {}
    taken: set = set()
    for element in tree.xpath(_CAPTION_XPATH):
        if len(captions) >= _CAPTIONS_MAX or any(a in taken for a in element.iterancestors()):
            continue
        text = _text(element)
        if len(text) > _CAPTION_MAX:
            continue
        if text:
            captions.setdefault(text)
        taken.add(element)
    for element in taken:
        element.drop_tree()
    return list(captions)


def _in_json_ld(tree, text: str) -> bool:
    """Whether the page's JSON-LD holds ``text`` (as written, or escaped as JSON writes non-ASCII)."""
    escaped = json.dumps(text)[1:-1]
    return any(text in block or escaped in block
               for block in tree.xpath("//script[@type='application/ld+json']/text()"))


def _title(tree, extracted: str | None) -> tuple[str, str] | None:
    """The headline: an ``<h1>`` that the page's ``og:title`` or ``<title>`` begins with (they often add the
    site's name), else trafilatura's title (from those, the site's name cut), else the first ``<h1>``."""
    h1 = [t for t in (_text(e) for e in tree.xpath("//h1")) if t]
    og = _meta(tree, "og:title", "twitter:title")
    page_title = _squeeze("".join(tree.xpath("//title//text()")))
    for announced in ([og[0]] if og else []) + [page_title]:
        heads = [h for h in h1 if len(h) >= 2 and announced.startswith(h)]
        if heads:
            return max(heads, key=len), "<h1>"
    if extracted:
        if og and og[0] == extracted:
            return extracted, og[1]
        if extracted in h1:
            return extracted, "<h1>"
        if extracted in page_title:
            return extracted, "<title>"
        if _in_json_ld(tree, extracted):
            return extracted, "JSON-LD headline"
        return extracted, N_("the page's title (trafilatura)")
    if h1:
        return h1[0], "<h1>"
    return None


def _subtitle(tree, title: str) -> str | None:
    """The line under the headline that reads as its subtitle: a heading right after the ``<h1>``, or an
    element whose class says so, printed with a leading dash (``——记大石村的变化``)."""
    for h1 in tree.xpath("//h1"):
        if _text(h1) != title:
            continue
        following = h1.getnext()
        if following is not None and (following.tag in ("h2", "h3", "h4")
                                      or _SUBTITLE_CLASS.search(following.get("class") or "")):
            text = _text(following)
            if text and len(text) <= 60 and not _DATE_RE.search(text) and is_heading(text.lstrip("—─-－ ")):
                return text
    return None


_SUBTITLE_CLASS = re.compile(r"(?:^|[\s_-])(?:sub|subtitle|sub[-_]title|subhead|sub[-_]head|deck|fubiaoti)(?:$|[\s_-])")


def _publication(tree, title: str | None, extracted: str | None = None) -> tuple[str, str] | None:
    """``og:site_name``, else the ``source`` meta tag, else the source line (来源), else the JSON-LD publisher
    (trafilatura's site name, when the page's JSON-LD holds it), else the site's name in the ``<title>``."""
    if found := _meta(tree, "og:site_name", "application-name"):
        return found[0], found[1]
    if found := _meta(tree, "source", "citation_journal_title"):
        return found[0], f"meta {found[1]}"
    for line in _header_lines(tree):
        if m := _SOURCE_LINE_RE.search(line):
            return m.group(1), N_("the source line (来源)")
    if extracted and _in_json_ld(tree, extracted):
        return extracted, "JSON-LD publisher"
    # "<title>Headline_Channel_Site</title>": the site's name is the last part.
    page_title = _squeeze("".join(tree.xpath("//title//text()")))
    if title and page_title.startswith(title) and (rest := page_title[len(title):].strip()):
        parts = [p.strip() for p in re.split(r"[_|｜\-－—–]+", rest) if p.strip()]
        if parts and len(parts[-1]) <= 20:
            return parts[-1], "<title>"
    return None


#: The elements whose text is a line of a page's header (the innermost of them).
_LINE_TAGS = ("p", "div", "span", "time", "em", "small", "h2", "h3", "h4", "td", "li", "font")
_LINE_XPATH = " or ".join(f"self::{tag}" for tag in _LINE_TAGS)


def _header_lines(tree) -> list[str]:
    """The texts of the innermost line elements from the headline on, up to 12: where a date line or a
    source line (来源) stands. A short line that holds such elements comes first, whole: a date line written
    ``<p>发布时间：<span>2020-01-15</span> 来源：<a>江汉日报</a></p>`` is one line, not its pieces."""
    start = "(//h1)[1]/following::*" if tree.xpath("//h1") else "//body//*"
    lines: list[str] = []
    for element in tree.xpath(f"{start}[{_LINE_XPATH}][not(.//*[{_LINE_XPATH}])]"):
        holder = next((a for a in element.iterancestors() if a.tag in _LINE_TAGS), None)
        whole = _text(holder) if holder is not None else ""
        for text in ((whole,) if len(whole) <= _HEADER_LINE_MAX else ()) + (_text(element),):
            if text and text not in lines:
                lines.append(text)
        if len(lines) >= 12:
            break
    return lines[:12]


def _date(tree) -> tuple[str, str] | None:
    import lxml.html
    from htmldate import find_date

    # The page's head only (its meta tags and JSON-LD): in the body, htmldate's fast mode still reads text
    # and the dates of related links (a body's "2008-05-12开工" taken for the article's date).
    head = tree.find("head")
    if head is not None:
        page_head = "<html>" + lxml.html.tostring(head, encoding="unicode") + "<body></body></html>"
        found = find_date(page_head, extensive_search=False, original_date=True, outputformat="%Y-%m-%d")
        if found and _real_date(found):
            return found, N_("the page's metadata (htmldate)")
    # The date line stands between the headline and the article: the first one decides, real date or none.
    for line in _header_lines(tree)[:6]:
        if len(line) > _HEADER_LINE_MAX:
            break  # the article has begun: a date in it, or in the links after it, is not the page's
        if (_DATE_LINE_MARK.match(line) or is_dateline(line)) and (m := _DATE_RE.search(line)):
            found = _real_date("{:0>4}-{:0>2}-{:0>2}".format(*m.groups()))
            return (found, N_("the date line")) if found else None
    return None


_HEADER_LINE_MAX = 60


def _real_date(text: str) -> str | None:
    """``text`` if it is a real date (``YYYY-MM-DD``), else None: 2021-02-30 is none."""
    import datetime

    try:
        datetime.date.fromisoformat(text)
    except ValueError:
        return None
    return text


def _url(tree) -> tuple[str, str] | None:
    for href in tree.xpath("//link[@rel='canonical']/@href"):
        if _is_web_address(href.strip()):
            return href.strip(), "link rel=canonical"
    if (found := _meta(tree, "og:url")) and _is_web_address(found[0]):
        return found[0], "og:url"
    return None


def _is_web_address(address: str) -> bool:
    """An absolute http(s) address: a relative one, or ``javascript:``, is no address of the article."""
    parts = urlsplit(address)
    return parts.scheme in ("http", "https") and bool(parts.netloc)


@cache
def _config():
    """trafilatura's settings, one change: an article of any length is taken as its main extractor found it.
    Under 250 characters (``MIN_EXTRACTED_SIZE``) it falls back to a baseline that returns the whole
    ``<article>`` element's text on one line, headline, byline and paragraphs run together (7 of the 7,353
    inews articles written into a page, ``python -m bench.pages --inews``)."""
    from trafilatura.settings import use_config

    config = use_config()
    config.set("DEFAULT", "MIN_EXTRACTED_SIZE", "1")
    return config


#: White space that is a character of the text, not HTML's (the ideographic space, the no-break space, the
#: en, em, thin and narrow no-break spaces): trafilatura makes every run of white space one space, so these
#: are held through it as two ideographic description characters, which it keeps (it drops
#: what is not printable, private-use characters included), and news text does not use
#: (``joshua　smith`` stays as printed).
_KEPT_SPACES = {"\u3000": "\u2ffa", "\xa0": "\u2ffb", "\u2002": "\u2ff9", "\u2003": "\u2ff8", "\u2009": "\u2ff7",
                "\u202f": "\u2ff6"}
#: What else is held so: an ampersand, which trafilatura unescapes a second time (a page that prints
#: ``&lt;p&gt;``, written ``&amp;lt;p&amp;gt;``, came out as ``<p>``).
_HELD = {**_KEPT_SPACES, "&": "\u2ff4"}
_HOLD = str.maketrans(_HELD)
_GIVE_BACK = str.maketrans({v: k for k, v in _HELD.items()})


#: Put before the text of each ``<h1>`` before the extraction, to know the headline's line in its output
#: (an ideographic description character, which trafilatura keeps and news text does not use).
_HEADLINE = "\u2ff0"


def _mark_headlines(tree, page_text: str) -> bool:
    """Mark each ``<h1>``'s text with :data:`_HEADLINE`; False (nothing done) if the page's text
    (``page_text``) holds it already."""
    if _HEADLINE in page_text:
        return False
    for h1 in tree.iter("h1"):
        h1.text = _HEADLINE + (h1.text or "")
    return True


#: Added to the second of two neighbouring paragraphs that say the same (and to the third, twice…): trafilatura
#: keeps only one of them, and a phrase's second occurrence would be lost (11 of 7,353 inews articles).
_REPEAT = "\u2ff5"


def _keep_repeats(tree, page_text: str) -> bool:
    """Make each paragraph that repeats the one before it distinct for the extractor; False (nothing done)
    if the page's text holds the mark already."""
    if _REPEAT in page_text:
        return False
    previous, count = None, 0
    for element in tree.iter("p", "div", "li", "h2", "h3"):
        text = element.text_content().strip()
        count = count + 1 if text and text == previous else 0
        if count and len(element) == 0:
            element.text = (element.text or "") + _REPEAT * count
        previous = text
    return True


def _hold_characters(tree, page_text: str) -> bool:
    """Swap the kept spaces and the ampersands for their stand-ins in the tree's text; False (nothing done) if
    the page's text holds a stand-in already."""
    if any(stand_in in page_text for stand_in in _HELD.values()):
        return False
    for element in tree.iter():
        if isinstance(element.text, str) and not callable(element.tag):
            element.text = element.text.translate(_HOLD)
        if isinstance(element.tail, str):
            element.tail = element.tail.translate(_HOLD)
    return True


def _furniture(line: str) -> bool:
    if len(line) > _FURNITURE_MAX:
        return False
    if _TRAILING_FURNITURE.search(line):
        # An editor's line names people: "编辑：这是读者来信栏目的回复。" is a sentence of the article.
        return not (line.endswith(("。", "！", "？")) and _EDITOR_START.match(line) and len(line) > 20)
    return _CALL_TO_READER.search(line) is not None and not line.endswith(("。", "！", "？", "!", "?"))


_EDITOR_START = re.compile(r"^[（(【\[]?\s*(?:编辑|編輯|审核|審核|校对|校對|主编|主編|监制|監製)")


#: Navigation links as a page's text begins with them, each a whole line.
_NAVIGATION = frozenset({
    "首页", "首頁", "网站首页", "網站首頁", "返回首页", "返回首頁", "新闻列表", "新聞列表", "新闻中心", "新聞中心",
    "联系我们", "聯絡我們", "聯繫我們", "关于我们", "關於我們", "登录", "登入", "注册", "註冊"})
_FONT_SIZE = re.compile(r"^[【\[]?\s*字[号號]\s*[:：]?\s*[大中小\s]+[】\]]?$")
_POSITION = re.compile(r"^(?:当前位置|當前位置|您的位置|您现在的位置|您現在的位置|位置)\s*[:：]")


def _byline_and_date(line: str) -> str | None:
    """``记者 李四 2019-07-18``: the byline part of a byline printed with the date, else None."""
    m = _DATE_RE.search(line)
    if not m or line[m.end():].strip(" 　:：0123456789") or m.start() == 0:
        return None
    head = line[:m.start()].strip()
    return head if parse_byline(head) else None


def _print_edition(line: str, removed: list[Fix], found: dict[str, str]) -> bool:
    """Whether ``line`` is the print edition's line (:data:`_PRINT_EDITION`); if so, its newspaper, date and
    page go into ``found`` and the line into the repair log."""
    m = _PRINT_EDITION.match(line)
    date = m and _real_date("{}-{:0>2}-{:0>2}".format(m["y"], m["m"], m["d"]))
    if not date:
        return False
    if "edition_paper" not in found:  # the first such line counts
        found.update(edition_paper=m["paper"], edition_date=date, edition_page=str(int(m["page"])))
    removed.append(Fix("page", line, "", (say(N_("the print edition's line: its newspaper, date and page kept")),)))
    return True


def _trim_head(lines: list[str], removed: list[Fix], found: dict[str, str]) -> list[str]:
    """Before the article: a date line, buttons, navigation links, where-you-are lines, a line of separators
    (the "|" between links), a byline printed with the date (kept in ``found`` as the byline)."""
    while lines:
        first = lines[0]
        if _print_edition(first, removed, found):
            pass  # taken off, its fields kept
        elif byline := _byline_and_date(first) or dateline_author(first):
            found.setdefault("byline", byline)
            removed.append(Fix("page", first, "", (say(N_("the page's byline and date line: the byline kept")),)))
        elif (is_dateline(first) or _furniture(first) or first in _NAVIGATION or _POSITION.match(first)
              or _FONT_SIZE.search(first) or not _WORDS.search(first)):
            removed.append(Fix("page", first, "", (say(N_("a line of the page before the article")),)))
        else:
            break
        lines = lines[1:]
    return lines


def _trim(lines: list[str], found: dict[str, str]) -> tuple[list[str], list[Fix]]:
    """Take page furniture off the ends of the extracted lines (see the module's docstring); a byline found
    on the way goes into ``found``."""
    removed: list[Fix] = []
    lines = _trim_head(lines, removed, found)
    # The page's headline (its <h1>, marked before the extraction: the title, given apart) and short lines
    # before it. A paragraph that repeats the headline is the article's and stays (of 7,353 inews articles
    # written into pages, 187 whose only paragraph is their headline had come out empty).
    for at, line in enumerate(lines):
        if line.startswith(_HEADLINE):
            before = lines[:at]
            at_the_head = at < _HEAD_LINES and all(len(x) <= _HEAD_FURNITURE_MAX for x in before)
            for x in before if at_the_head else ():
                removed.append(Fix("page", x, "", (say(N_("a line of the page before the headline")),)))
            removed.append(Fix("page", line.removeprefix(_HEADLINE), "", (say(
                N_("the headline, repeated in the page's text")),)))
            rest = lines[at + 1:]
            lines = _trim_head(rest, removed, found) if at_the_head else before + rest
            break
    lines = [x for x in (line.replace(_HEADLINE, "") for line in lines) if x]
    # A block of links after the article: its heading ("相关新闻", or the label "上一篇：") and the titles
    # under it: the first such heading after the article's last sentence.
    while True:
        before = len(lines)
        cut = None
        for i in range(len(lines) - 1, 0, -1):
            if lines[i].strip("【】[]:：") in _LINK_BLOCK_HEADINGS or _PREVIOUS_NEXT.match(lines[i]):
                cut = i
            elif (len(lines[i]) > 40 or lines[i].endswith(_SENTENCE_END)) and not _furniture(lines[i]):
                break
        if cut is not None:
            for line in lines[cut:]:
                removed.append(Fix("page", line, "", (say(N_("a block of links after the article")),)))
            lines = lines[:cut]
        while lines:
            if _furniture(lines[-1]):
                removed.append(Fix("page", lines[-1], "", (say(
                    N_("a line of the page after the article (an editor's line, a notice, links or buttons)")),)))
            elif not _print_edition(lines[-1], removed, found):
                break
            lines = lines[:-1]
        if len(lines) == before:
            break
    return lines, removed


def read_page(html: str) -> Page:
    """The article of a saved news page: its lines (trafilatura's text, page furniture taken off the ends),
    captions, metadata and where each field came from."""
    from trafilatura import extract, extract_metadata, load_html

    tree = load_html(html)
    if tree is None:
        return Page([])
    _drop_unshown(tree)
    shows_text = any(_WORDS.search(t) for t in tree.xpath("//body//text()[not(ancestor::script)]"
                                                           "[not(ancestor::style)][not(ancestor::template)]"))
    captions = _take_captions(tree)
    # Not its extensive date search, which tries every locale of dateparser: 8 s for one page.
    found = extract_metadata(tree, extensive=False)
    page = Page([], captions, shows_text=shows_text)

    def keep(key: str, value: tuple[str, str] | None) -> None:
        # A value on more than one line (a control character, a line break in an href) is no value of a
        # field that citations, RIS and BibTeX print on one line.
        if value and value[0] and is_one_line(value[0]):
            page.meta[key], page.origins[key] = value

    keep("title", _title(tree, found.title if found else None))
    title = page.meta.get("title")
    if title and (sub := _subtitle(tree, title)):
        keep("subtitle", (sub, N_("the heading under the headline")))
    if author := _meta(tree, "author", "article:author", "citation_author"):
        keep("byline", (author[0], f"meta {author[1]}"))
    elif found and found.author:
        keep("byline", (found.author, "JSON-LD author" if _in_json_ld(tree, found.author)
                        else N_("the page's byline (trafilatura)")))
    elif author := next(filter(None, map(dateline_author, _header_lines(tree))), None):
        keep("byline", (author, N_("the date line")))
    keep("date", _date(tree))
    keep("publication", _publication(tree, title, found.sitename if found else None))
    keep("url", _url(tree))

    _unwrap_layout_tables(tree)
    page_text = tree.text_content() or ""  # read once: does the page hold any of the marks used below?
    repeats = _keep_repeats(tree, page_text)
    held = _hold_characters(tree, page_text)
    _mark_headlines(tree, page_text)
    # An article of one short line ("以调解方式结案的") is no article to the default extraction, which then
    # gives the page's navigation: when nothing is left of it, the extraction that favours recall is asked.
    for recall in (False, True):
        text = extract(tree, output_format="txt", include_comments=False, include_tables=True,
                       include_images=False, include_formatting=False, include_links=False,
                       deduplicate=False, with_metadata=False, config=_config(), favor_recall=recall) or ""
        if held:
            text = text.translate(_GIVE_BACK)
        lines = [_table_row(_squeeze(line)) for line in text.split("\n") if not _TABLE_RULE.match(line.strip())]
        if repeats:
            lines = [line.replace(_REPEAT, "") for line in lines]
        lines = [line for line in lines if line and line not in captions]
        found_here: dict[str, str] = {}
        page.lines, page.removed = _trim(lines, found_here)
        if page.lines:
            break
    if "byline" in found_here and "byline" not in page.meta:
        page.meta["byline"], page.origins["byline"] = found_here["byline"], N_("the byline and date line")
    # The newspaper that printed the article, on that day's page: what a citation of it gives (GB/T 7714:
    # 人民日报, 2020-01-15(4)), over the site's name and the date it was posted.
    if "edition_paper" in found_here:
        for name, key in (("publication", "edition_paper"), ("date", "edition_date"), ("page", "edition_page")):
            page.meta[name], page.origins[name] = found_here[key], N_("the print edition's line")
    return page
