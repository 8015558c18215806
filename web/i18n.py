"""The interface's language: Simplified Chinese by default, English on request (Flask-Babel catalogs).

Which language a page speaks: ``?lang=`` first (and the page then remembers it in a cookie, so that the
switch on every page, which is such a link, sticks), then that cookie, then the browser's
``Accept-Language``, then Simplified Chinese. The messages in the code and templates are English; the
Chinese is in ``web/translations/zh_Hans_CN/LC_MESSAGES/messages.po``, compiled by ``make install``.
The JSON API answers in English whatever the request says: scripts read it.
"""

from __future__ import annotations

from urllib.parse import quote, urlencode

from flask import Flask, Response, request
from flask_babel import Babel, gettext

from archive.errors import N_
from archive.model import Repair, message_text

#: Language tags the site speaks, as written in ``?lang=``, the cookie and ``<html lang>``, and the
#: catalog (Babel locale) each one reads. The first is the default.
LANGUAGES = {"zh-CN": "zh_Hans_CN", "en": "en"}
#: How each language names itself on the switch.
LANGUAGE_NAMES = {"zh-CN": "中文", "en": "English"}
COOKIE = "lang"
COOKIE_AGE = 365 * 24 * 3600


#: The cleaning rules' names as a reader sees them (the rule's own name stays in the API and the CLI).
RULE_NAMES = {
    "nfc": N_("Unicode normalisation"),
    "zero-width": N_("Invisible characters"),
    "pinyin": N_("Pinyin annotations"),
    "comma": N_("Doubled commas"),
    "width": N_("Punctuation width"),
    "rejoin": N_("Page breaks"),
    "front-matter": N_("Title and byline"),
    "byline": N_("Trailing byline"),
    "mojibake": N_("Garbled characters (GBK)"),
    "page": N_("Page furniture"),
}


#: A document's metadata fields as a reader sees them, where the page says where each came from.
FIELD_NAMES = {
    "title": N_("Title"), "subtitle": N_("Subtitle"), "byline": N_("Byline"), "date": N_("Date"),
    "publication": N_("Publication"), "url": N_("Address"), "year": N_("Year"), "place": N_("Place"),
    "page": N_("Page (版次)"), "authors": N_("Authors"),
}
#: Where a field came from, as :attr:`archive.model.Document.origins` says it, for a reader.
ORIGIN_NAMES = {"catalog": N_("the catalog (catalog.toml)"), "the date": N_("the date"),
                "the lead paragraph's dateline": N_("the lead paragraph's dateline")}


def field_name(key: str) -> str:
    return gettext(FIELD_NAMES[key]) if key in FIELD_NAMES else key


def origin_text(origin: str) -> str:
    """``catalog``, ``the date``, ``page: og:title`` in the page's language (the page's own names of its
    tags, og:title or <h1>, stay as they are)."""
    if origin in ORIGIN_NAMES:
        return gettext(ORIGIN_NAMES[origin])
    if origin.startswith("page: "):
        return gettext("the saved page: %(where)s", where=gettext(origin.removeprefix("page: ")))
    return origin


def rule_name(rule: str) -> str:
    """A cleaning rule's name in the page's language."""
    return gettext(RULE_NAMES[rule]) if rule in RULE_NAMES else rule


def repair_note(repair: Repair) -> str:
    """What a repair did and why, in the page's language (its ``note`` is English)."""
    return message_text(repair.messages, "; " if page_language() == "en" else "；", gettext)


def _tag(value: str | None) -> str | None:
    """A language tag we speak, from what a user wrote (``en``, ``en-US``, ``zh_CN``, ``zh-TW``), or None.

    Any English is English and any Chinese is Chinese, as with ``Accept-Language``: the interface has one
    catalog per language, not one per region or script."""
    if not value:
        return None
    primary = value.strip().replace("_", "-").lower().split("-")[0]
    return next((tag for tag in LANGUAGES if tag.lower().split("-")[0] == primary), None)


def page_language() -> str:
    """The language tag of the page being answered."""
    if request.path.startswith("/api/"):
        return "en"
    asked = _tag(request.args.get("lang")) or _tag(request.cookies.get(COOKIE))
    if asked:
        return asked
    # The browser's languages, most wanted first and, among equals, in the order it lists them (werkzeug
    # keeps that order); the first we speak wins. Any Chinese (zh-TW, zh-HK) is read in Chinese: the
    # interface has no Traditional catalog yet.
    for value, quality in request.accept_languages:
        if quality > 0 and (tag := _tag(value)):
            return tag
    return "zh-CN"


def switch_url(tag: str) -> str:
    """This page's address in another language: the same path and arguments, ``lang`` replaced.

    Written from the request's own path and query rather than through ``url_for``, whose keyword
    arguments a query string would otherwise fill (``?doc_id=`` or ``?_external=`` on a document page)."""
    args = [(k, v) for k, v in request.args.items(multi=True) if k != "lang"] + [("lang", tag)]
    return quote(request.script_root + request.path) + "?" + urlencode(args)


def init_app(app: Flask) -> None:
    Babel(app, default_locale=LANGUAGES["zh-CN"], locale_selector=lambda: LANGUAGES[page_language()])
    app.add_template_global(page_language, "page_language")
    app.add_template_global(switch_url, "switch_url")
    app.add_template_global(LANGUAGE_NAMES, "LANGUAGE_NAMES")
    app.add_template_filter(rule_name, "rule_name")
    app.add_template_filter(repair_note, "repair_note")
    app.add_template_filter(field_name, "field_name")
    app.add_template_filter(origin_text, "origin_text")

    @app.after_request
    def remember_language(response: Response) -> Response:
        chosen = _tag(request.args.get("lang"))
        if chosen and not request.path.startswith("/api/") and request.cookies.get(COOKIE) != chosen:
            response.set_cookie(COOKIE, chosen, max_age=COOKIE_AGE, samesite="Lax")
        # A page's address answers in two languages: caches must keep them apart (the API and the
        # static files answer the same to everyone).
        if not request.path.startswith(("/api/", "/static/")):
            response.vary.update(("Accept-Language", "Cookie"))
            response.content_language.add(page_language())
        return response
