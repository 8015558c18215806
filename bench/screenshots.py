"""Screenshots of the site as a reader sees it (issue 14), in Chinese and English, on a desktop (1,280 px)
and a phone (390 px), taken with Playwright driving Debian's chromium against a running ``archive serve``.

    python -m bench.screenshots --base http://127.0.0.1:5000 --out docs/screenshots

Each shot is the first screen a reader sees (not the whole page), as PNG: ``<page>-<lang>-<width>.png``.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from urllib.parse import quote

WIDTHS = {1280: 800, 390: 844}
LANGS = ("zh-CN", "en")
SEED_002 = "002_4d89ad2df1300591"


def tour(browser, base: str, out: Path, width: int, height: int, lang: str) -> list[Path]:
    """One reader's walk through the site, in one language at one width."""
    context = browser.new_context(viewport={"width": width, "height": height}, device_scale_factor=1,
                                  is_mobile=width < 500)
    page = context.new_page()
    taken: list[Path] = []

    def shot(name: str) -> None:
        path = out / f"{name}-{lang}-{width}.png"
        page.screenshot(path=str(path))
        taken.append(path)

    def visit(path: str) -> None:
        sep = "&" if "?" in path else "?"
        page.goto(f"{base}{path}{sep}lang={lang}")
        page.wait_for_load_state("networkidle")

    visit("/")
    shot("home")
    visit("/docs")
    shot("docs")
    visit(f"/search?q={quote('党建')}")
    shot("results-dangjian")
    visit(f"/search?q={quote('一肩挑')}")
    shot("results-yijiantiao")
    # A document reached from a hit: the hit's own link, so the page opens where the hit is.
    page.locator("ol.hits li.hit h2 a").first.click()
    page.wait_for_load_state("networkidle")
    shot("doc-from-hit")
    control = page.locator(".para:target a.cite").first
    if control.count():
        control.click()
        page.wait_for_timeout(500)
        shot("doc-cite-open")
    visit(f"/doc/{SEED_002}")
    shot("doc-002")
    page.goto(f"{base}/doc/{SEED_002}?lang={lang}#repairs")
    page.wait_for_load_state("networkidle")
    shot("doc-002-repairs")
    visit(f"/kwic?q={quote('党建')}")
    shot("kwic")
    visit(f"/search?q={quote('不存在的词语甲乙丙')}")
    shot("no-results")
    visit(f"/search?q={quote('党建 OR')}")
    shot("error")
    context.close()
    return taken


def shots(base: str, out: Path) -> list[Path]:
    from playwright.sync_api import sync_playwright

    out.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium")
        taken = [path for width, height in WIDTHS.items() for lang in LANGS
                 for path in tour(browser, base, out, width, height, lang)]
        browser.close()
    return taken


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--base", default="http://127.0.0.1:5000")
    parser.add_argument("--out", type=Path, default=Path("docs/screenshots"))
    args = parser.parse_args()
    for path in shots(args.base.rstrip("/"), args.out):
        print(path)


if __name__ == "__main__":
    main()
