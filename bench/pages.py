"""Issue 17: which library extracts a saved news page's article. trafilatura (what ``archive.pages`` uses)
against readability-lxml, each bare (its own text, no rule of ours) and then as the archive reads a page
(our decoding, ruby and captions taken out first, page furniture trimmed after), on the fixtures of
``tests/data/pages`` and their hand-written truth (``expected.json``).

    python -m bench pages            # prints a Markdown table; the figures are in docs/benchmarks.md
    python -m bench.pages --inews    # the 7,353 inews articles as saved pages, against their text files

The second measure writes each inews article (one paragraph a line, as ``bench fidelity`` writes it) into
the page templates below, the furniture of three kinds of news site around it, and reads it back as the
archive reads a page: its paragraphs should be the text file's, exactly.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from pathlib import Path

PAGES = Path(__file__).resolve().parent.parent / "tests" / "data" / "pages"


def _lines(text: str) -> list[str]:
    from archive.pages import _squeeze

    return [line for line in (_squeeze(part) for part in text.split("\n")) if line]


def trafilatura_bare(html: str) -> list[str]:
    from trafilatura import extract

    return _lines(extract(html, include_comments=False, include_tables=False) or "")


def readability_bare(html: str) -> list[str]:
    import lxml.html
    from readability import Document

    tree = lxml.html.fromstring(Document(html).summary(html_partial=True))
    from archive.pages import _LINE_XPATH, _text

    return [t for t in (_text(e) for e in tree.xpath(f".//*[{_LINE_XPATH}][not(.//*[{_LINE_XPATH}])]")) if t]


def archive_lines(html: str) -> list[str]:
    from archive.pages import read_page

    return read_page(html).lines


def with_our_rules(extract: Callable[[str], list[str]]) -> Callable[[str], list[str]]:
    """``extract`` on the page as ``archive.pages`` prepares it, and the furniture trimmed as it does."""

    def run(html: str) -> list[str]:
        import lxml.html
        from trafilatura import load_html

        from archive.pages import _drop_ruby_annotations, _mark_headlines, _take_captions, _trim

        tree = load_html(html)
        _drop_ruby_annotations(tree)
        _take_captions(tree)
        _mark_headlines(tree, tree.text_content() or "")
        lines, _ = _trim(extract(lxml.html.tostring(tree, encoding="unicode")), {})
        return lines

    return run


def score(extract: Callable[[str], list[str]]) -> dict:
    from archive.pages import decode_page

    expected = json.loads((PAGES / "expected.json").read_text(encoding="utf-8"))
    out = {"exact": 0, "pages": len(expected), "found": 0, "paragraphs": 0, "furniture": [], "captions": 0,
           "other": 0, "ms": 0.0, "per_page": {}}
    for name, want in sorted(expected.items()):
        html, _ = decode_page((PAGES / name).read_bytes(), name)
        started = time.perf_counter()
        lines = extract(html)
        out["ms"] += (time.perf_counter() - started) * 1000
        # The byline and a headline the extractor leaves at the top are the front-matter rule's: not counted.
        body = [line for line in lines if line != want["title"] and not line.startswith("本报记者")]
        leaked = [f for f in want["furniture"] if any(f in line for line in body)]
        found = sum(p in body for p in want["paragraphs"])
        out["found"] += found
        out["paragraphs"] += len(want["paragraphs"])
        out["exact"] += body == want["paragraphs"]
        out["furniture"] += [f"{name}: {f}" for f in leaked]
        out["captions"] += sum(c in body for c in want["captions"])
        out["other"] += sum(line not in want["paragraphs"] for line in body)
        out["per_page"][name] = {"exact": body == want["paragraphs"], "found": found, "leaked": leaked}
    return out


#: Three kinds of news site around an article: a provincial portal (GB2312 declared, info line, editor's
#: line, related links), an Open Graph article page with share buttons and captions, and a table layout of
#: the 2000s. ``{title}``, ``{paragraphs}`` are filled in; each paragraph is one ``<p>``.
TEMPLATES = {
    "portal": """<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312">
<title>{title}_新闻中心_示例网</title><meta name="publishdate" content="2019-07-18"></head><body>
<div class="nav"><a href="/">首页</a> | <a href="/news/">新闻</a> | <a href="/pic/">图片</a></div>
<div class="position">当前位置：<a href="/">首页</a> &gt; 新闻</div>
<div class="article"><h1>{title}</h1><div class="info">2019-07-18 09:12 来源：示例日报</div>
<div class="share">分享到：<a href="#">微信</a> <a href="#">微博</a></div>
<div class="content">{paragraphs}<p class="editor">（责任编辑：张三）</p></div></div>
<div class="related"><h3>相关新闻</h3><ul><li><a href="/1">另一条新闻的标题</a></li>
<li><a href="/2">第二条新闻</a></li></ul></div>
<div class="footer"><p>Copyright &copy; 2019 示例网 版权所有</p></div></body></html>""",
    "opengraph": """<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>{title} | 示例晚报</title>
<meta property="og:title" content="{title}"><meta property="og:site_name" content="示例晚报">
<meta property="article:published_time" content="2019-07-18T07:45:00+08:00"></head><body>
<header><a href="/">示例晚报</a><nav><a href="/city">城事</a><a href="/eco">生态</a></nav></header>
<main><article><h1>{title}</h1><p class="meta">记者 李四 2019-07-18</p><div class="story">{paragraphs}
<figure><img src="/a.jpg" alt=""><figcaption>图为活动现场。</figcaption></figure></div>
<div class="tools"><button>分享到微信</button><button>复制链接</button></div></article>
<aside><h2>推荐阅读</h2><ul><li><a href="/x">推荐的一篇</a></li></ul></aside></main>
<footer>© 2019 示例晚报 版权所有</footer></body></html>""",
    "tables": """<html><body><table width="760"><tr><td><a href="index.html">返回首页</a> |
<a href="list.html">新闻列表</a>
</td></tr></table><table width="760"><tr><td class="content"><p>{title}</p>{paragraphs}</td></tr></table>
<table width="760"><tr><td><p>上一篇：<a href="a.html">前一篇文章</a>　下一篇：<a href="b.html">后一篇文章</a></p>
</td></tr>
</table></body></html>""",
}


def inews_as_pages(folder: Path, limit: int | None = None) -> None:
    """Each article of ``folder`` (one paragraph a line) in each template, read back: how many come out
    with exactly the text file's paragraphs, and what differs in the others."""
    import html as html_module
    from collections import Counter

    from archive.loading import build_document

    files = sorted(folder.glob("*.txt"))[:limit]
    exact: Counter[str] = Counter()
    kinds: dict[str, Counter[str]] = {name: Counter() for name in TEMPLATES}
    examples: dict[str, list[str]] = {name: [] for name in TEMPLATES}
    started = time.perf_counter()
    for path in files:
        doc = build_document(path.read_bytes(), path.stem, path.name)
        paragraphs = "".join(f"<p>{html_module.escape(p)}</p>" for p in doc.paragraphs)
        for name, template in TEMPLATES.items():
            page = template.format(title=html_module.escape(doc.title), paragraphs=paragraphs)
            data = page.encode("gb18030") if name == "portal" else page.encode()
            got = build_document(data, path.stem, path.stem + ".html")
            if got.paragraphs == doc.paragraphs:
                exact[name] += 1
                continue
            missing = [p for p in doc.paragraphs if p not in got.paragraphs]
            extra = [p for p in got.paragraphs if p not in doc.paragraphs]
            taken = {r.before for r in got.repairs if r.rule in ("page", "byline")}
            if missing and not extra and all(m in taken for m in missing):
                kinds[name]["only lines of the source taken as page furniture"] += 1
                continue
            kind = ("no text" if not got.paragraphs else "paragraphs missing" if missing and not extra else
                    "lines added" if extra and not missing else "changed" if missing else "order")
            kinds[name][kind] += 1
            if len(examples[name]) < 5:
                examples[name].append(f"{path.stem}: {kind}; missing {[m[:30] for m in missing[:2]]}, "
                                      f"extra {[e[:30] for e in extra[:2]]}")
    seconds = time.perf_counter() - started
    print(f"{len(files)} articles × {len(TEMPLATES)} templates in {seconds:.0f} s")
    print("| template | paragraphs exactly the text file's | otherwise |")
    print("|---|---:|---|")
    for name in TEMPLATES:
        other = ", ".join(f"{k} {n}" for k, n in kinds[name].most_common()) or "—"
        print(f"| {name} | {exact[name]} / {len(files)} ({100 * exact[name] / len(files):.2f} %) | {other} |")
    for name, lines in examples.items():
        for line in lines:
            print(f"  {name}: {line}")


def encodings(folder: Path, seed: int = 1) -> None:
    """Issue 17: pages that declare a single-byte charset. Every inews article (one paragraph a line) that GBK
    can encode, as a GBK page with a stale charset, must read back exactly; short pages (a slice of an
    article, with and without a script and a style) and short pages really in Latin-1, windows-1252, KOI8-R,
    windows-1251, ISO-8859-7 and ISO-8859-2 that GB18030 reads too must keep their text."""
    import html as html_module
    import random

    from archive.errors import SourceError
    from archive.pages import decode_page

    def page(declared: str, body: str, head: str = "", title: str = "t") -> str:
        return (f"<html><head><meta http-equiv='Content-Type' content='text/html; charset={declared}'>{head}"
                f"<title>{html_module.escape(title)}</title></head><body><p>{body}</p></body></html>")

    def read_back(html: str, data: bytes) -> bool:
        try:
            return decode_page(data, "x.html")[0] == html
        except SourceError:
            return False

    def as_gbk(pages: list[str]) -> tuple[int, int]:
        """How many of ``pages``, saved as GBK, read back exactly; of how many GBK can hold."""
        held = []
        for html in pages:
            try:
                held.append((html, html.encode("gbk")))
            except UnicodeEncodeError:
                continue
        return sum(read_back(html, data) for html, data in held), len(held)

    articles = [[line for line in f.read_text(encoding="utf-8").splitlines() if line.strip()]
                for f in sorted(folder.glob("*.txt"))]
    print("| pages | declared | read back exactly | of |")
    print("|---|---|---:|---:|")
    for declared in ("iso-8859-1", "windows-1252", "koi8-r"):
        ok, n = as_gbk([page(declared, "</p><p>".join(map(html_module.escape, lines[1:])), title=lines[0])
                        for lines in articles if lines])
        print(f"| an inews article as a GBK page | {declared} | {ok} | {n} |")
    rng = random.Random(seed)
    paragraphs = [line for lines in articles[:2000] for line in lines]
    for declared in ("iso-8859-1", "windows-1252"):
        cuts = [rng.choice(paragraphs)[:rng.choice([1, 2, 4, 8, 12, 20, 30, 48, 80])] for _ in range(840)]
        ok, n = as_gbk([page(declared, html_module.escape(cut),
                             "<script>var a=1;</script><style>p{}</style>" if k % 2 else "")
                        for k, cut in enumerate(cuts)])
        print(f"| a short GBK page (1–80 characters of an article) | {declared} | {ok} | {n} |")
    words = {"iso-8859-1": ("latin-1", "Les élèves réussissent très bien maîtres café"),
             "windows-1252": ("cp1252", "Über Äpfel Gemüse für Bauern größer"),
             "koi8-r": ("koi8-r", "году Урожай в этом хорошим крестьяне довольны Москва"),
             "windows-1251": ("cp1251", "году Урожай в этом хорошим крестьяне довольны Москва"),
             "iso-8859-7": ("iso8859-7", "Η συγκομιδή ήταν καλή φέτος αγρότες"),
             "iso-8859-2": ("iso8859-2", "Zbiory były dobre rolnicy są zadowoleni łąka")}
    for declared, (codec, vocabulary) in words.items():
        ok = n = 0
        for _ in range(300):
            html = page(declared, " ".join(rng.choice(vocabulary.split()) for _ in range(rng.randint(1, 12))))
            data = html.encode(codec)
            try:
                data.decode("gb18030")
            except UnicodeDecodeError:
                continue  # GB18030 cannot read it: never in doubt
            n += 1
            ok += read_back(html, data)
        print(f"| a short page in its own charset that GB18030 reads too | {declared} | {ok} | {n} |")


def main() -> None:
    import argparse
    from importlib.metadata import version

    parser = argparse.ArgumentParser(prog="python -m bench.pages")
    parser.add_argument("--inews", action="store_true", help="the inews articles as saved pages")
    parser.add_argument("--folder", default=str(Path(__file__).resolve().parent / "data" / "fidelity-hans"))
    parser.add_argument("--limit", type=int, default=None)
    parser.add_argument("--encodings", action="store_true", help="pages that declare a single-byte charset")
    args = parser.parse_args()
    if args.encodings:
        encodings(Path(args.folder))
        return
    if args.inews:
        inews_as_pages(Path(args.folder), args.limit)
        return

    runs = {f"trafilatura {version('trafilatura')}, bare": trafilatura_bare,
            f"readability-lxml {version('readability-lxml')}, bare": readability_bare,
            f"trafilatura {version('trafilatura')}, as the archive reads a page (archive.pages)": archive_lines,
            f"readability-lxml {version('readability-lxml')}, with the same rules": with_our_rules(readability_bare)}
    for extract in runs.values():  # imports and first-call set-up out of the timings
        extract("<html><body><p>预热</p></body></html>")
    print("| extractor | pages exact | paragraphs found | furniture leaked | captions in the body | other lines "
          "| ms (5 pages) |")
    print("|---|---:|---:|---|---:|---:|---:|")
    for label, extract in runs.items():
        r = score(extract)
        leaked = "; ".join(r["furniture"]) or "none"
        print(f"| {label} | {r['exact']}/{r['pages']} | {r['found']}/{r['paragraphs']} | {leaked} | {r['captions']} | "
              f"{r['other']} | {r['ms']:.0f} |")


if __name__ == "__main__":
    main()
