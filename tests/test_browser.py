"""A real browser (Debian's /usr/bin/chromium driven by Playwright) against the real gunicorn server."""

from __future__ import annotations

import urllib.request
from pathlib import Path

import pytest

from tests.conftest import serving

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
# Flags as in the machine's own probe: headless, no sandbox as root, no background network.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="module")
def server(seed_index):
    with serving(seed_index, workers=1) as srv:
        yield srv.url


@pytest.fixture(scope="module")
def browser():
    assert Path(CHROMIUM).exists(), "Debian's chromium is missing: `make test` installs it (apt-get install chromium)"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1100, "height": 900}, locale="zh-CN")
    yield context.new_page()
    context.close()


def test_search_follow_passage_and_cite(server, page):
    ARTIFACTS.mkdir(exist_ok=True)
    page.goto(server + "/")
    page.fill('input[name="q"]', '"一肩挑"')
    page.press('input[name="q"]', "Enter")
    page.wait_for_selector("ol.hits")
    assert page.locator("li.hit").count() == 1
    assert page.locator("li.hit mark").first.inner_text() == "一肩挑"
    assert "1 documents match" in page.locator("p.summary").inner_text().replace("\n", " ")
    page.screenshot(path=str(ARTIFACTS / "results.png"), full_page=True)

    page.locator("li.hit a.pnum").first.click()
    page.wait_for_url("**/doc/000_facb8668b9a49bed**#p8")
    target = page.locator("#p8")
    assert target.is_visible()
    assert target.locator("mark").inner_text() == "一肩挑"
    page.screenshot(path=str(ARTIFACTS / "document.png"))

    page.locator("#cite-p8 summary").click()
    citation = page.locator('#cite-p8 pre[data-style="gbt7714"]')
    # Opening the box fetches the paragraph's citation page into it (the document page holds no citation,
    # issue 13): wait for it rather than look once.
    citation.wait_for(state="visible")
    assert not page.locator("#cite-p8 a.cite-page").is_visible()  # the link is done with once they are in
    assert citation.inner_text().startswith("吴柳. 红色筑魂践初心 党建聚力促发展[N].")
    assert citation.inner_text().endswith("/doc/000_facb8668b9a49bed#p8")
    assert page.locator("#cite-p8 button.copy").first.is_visible()  # JavaScript enabled the copy button


def test_pages_work_without_javascript_on_a_phone(server, browser):
    context = browser.new_context(java_script_enabled=False, viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.goto(server + "/search?q=" + urllib.request.quote('"党建"'))
    assert page.locator("li.hit").count() == 5
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # nothing wider than the phone
    page.screenshot(path=str(ARTIFACTS / "results-phone.png"), full_page=True)
    page.goto(server + "/doc/000_facb8668b9a49bed#cite-p8")
    page.locator("#cite-p8 summary").click()
    # Without JavaScript the box holds a link to the paragraph's citation page (issue 13: the document
    # page no longer repeats every paragraph in a quotation).
    page.locator("#cite-p8 a.cite-page").click()
    page.wait_for_url("**/doc/000_facb8668b9a49bed/cite/8")
    assert page.locator('pre[data-style="plain"]').is_visible()
    assert page.locator('pre[data-style="plain"]').inner_text().startswith("「夯实党建基础，提高战斗力。")
    assert not page.locator("button.copy").first.is_visible()  # copy needs JavaScript; text stays
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    context.close()


def test_concordance_from_search_results(page, server):
    """From a search, "all occurrences" opens the concordance: rows, chart, sorting, cite, no overflow."""
    page.goto(server + "/search?q=" + "党建")
    page.click("a.kwic-link")
    page.wait_for_selector("table.kwic")
    assert "/kwic?q=" in page.url
    rows = page.locator("table.kwic tbody tr")
    assert rows.count() == int(page.locator("p.summary strong").first.inner_text()) > 50
    assert page.locator("table.kwic td.match mark").first.inner_text() == "党建"
    charts = page.locator("figure.chart")
    assert charts.nth(0).locator("rect").count() == 5  # one bar per document
    assert charts.nth(1).locator("rect").count() == 3  # 2019, 2020, 2023: the years the catalog knows
    page.screenshot(path=str(ARTIFACTS / "kwic.png"), full_page=False)
    page.click("text=left context")
    page.wait_for_selector("p.sorts strong:has-text('left context')")
    page.locator("table.kwic a.cite").first.click()
    page.wait_for_load_state()
    assert "#cite-p" in page.url
    box = "#" + page.url.split("#")[1]
    if page.locator(box).get_attribute("open") is None:
        page.locator(box + " summary").click()
    page.locator(box + ' pre[data-style="gbt7714"]').wait_for(state="visible")  # fetched when the box opens
    # Nothing wider than the screen on the concordance either: the table scrolls inside its own box.
    page.go_back()
    page.wait_for_selector("table.kwic")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
