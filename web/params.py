"""The API's parameters, read strictly: a value the API cannot use is a 400 that names the parameter and
what it allows, never a default or a clamp taken in silence (a script would not notice it got something
else than it asked for). The pages read their own parameters leniently (``web.engine.parse_int``): a
person who edits an address gets a page, not an error.

Parameters come from a query string (texts) or, for ``POST /api/search``, from a JSON object (typed:
``"limit": "10"`` is a string, not an integer).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from urllib.parse import unquote_to_bytes

from werkzeug.datastructures import MultiDict

from archive.errors import ArchiveError

#: How far a page may start (a bound that keeps the number a small one; past the end, a page is empty).
MAX_OFFSET = 10**9
_DIGITS = re.compile(r"[0-9]{1,15}")


class ParameterError(ArchiveError):
    """A parameter's value the API cannot use; ``parameter`` names it (the JSON error carries the name).
    The message is English only, as every answer of the API is: no page shows it."""

    status = 400

    def __init__(self, parameter: str, message: str, /, **params: object) -> None:
        super().__init__(message, parameter=parameter, **params)
        self.parameter = parameter


def _shown(value: object) -> str:
    """The value as the message quotes it: a JSON value as JSON would write it, cut short."""
    return json.dumps(value, ensure_ascii=False)[:40] if not isinstance(value, str) else repr(value[:40])


def query_params(query_string: bytes, args: MultiDict, known: Sequence[str]) -> Params:
    """The parameters of a query string (``args`` as Werkzeug parsed it from ``query_string``). Werkzeug
    reads bytes that are not UTF-8 as U+FFFD, and a query would then search for that: here it is a 400,
    as a JSON body that is not UTF-8 is."""
    for pair in query_string.split(b"&"):
        name, _, value = pair.partition(b"=")
        try:
            unquote_to_bytes(name.replace(b"+", b" ")).decode("utf-8")
        except UnicodeDecodeError:
            raise ParameterError("", "a parameter's name is not UTF-8 text") from None
        try:
            unquote_to_bytes(value.replace(b"+", b" ")).decode("utf-8")
        except UnicodeDecodeError:
            shown = unquote_to_bytes(name).decode("utf-8")
            raise ParameterError(shown, "%(parameter)s is not UTF-8 text (percent-encode the query's UTF-8 "
                                        "bytes)") from None
    return Params(args, known)


class Params:
    """The parameters of one request, from the query string (``MultiDict``) or a JSON object (``dict``)."""

    def __init__(self, source: MultiDict | Mapping[str, object], known: Sequence[str] = ()) -> None:
        self._json = not isinstance(source, MultiDict)
        # A program's misspelt parameter ("limt", or format=bibtex where the API has no such format) is a
        # mistake worth saying: ignored, it would answer something else than was asked, in silence.
        unknown = [k for k in source if k not in known]
        if unknown:
            what = "field" if self._json else "parameter"
            raise ParameterError(unknown[0], f"unknown {what} %(field)s; " + (
                f"the {what}s are %(known)s" if known else "this address takes none"),
                field=_shown(unknown[0]), known=", ".join(known))
        self._source = source

    def get(self, name: str) -> object | None:
        """The value of ``name``, or None when it is not given; given twice in a query string, an error."""
        if not self._json:
            values = self._source.getlist(name)  # type: ignore[union-attr]
            if len(values) > 1:
                raise ParameterError(name, "%(parameter)s is given %(n)d times; give it once", n=len(values))
            return values[0] if values else None
        value = self._source.get(name)
        if value is None and name in self._source:  # the schema has no null: leaving a field out says "default"
            raise ParameterError(name, "%(parameter)s cannot be null; leave it out for its default")
        return value

    def integer(self, name: str, default: int, low: int, high: int) -> int:
        """An integer in [low, high]: digits in a query string, a JSON number without a fraction in a body."""
        value = self.get(name)
        if value is None:
            return default
        if self._json:
            number = value if isinstance(value, int) and not isinstance(value, bool) else None
        else:
            number = int(value) if _DIGITS.fullmatch(str(value)) else None
        if number is None or not low <= number <= high:
            raise ParameterError(name, "%(parameter)s must be an integer from %(low)s to %(high)s, not %(value)s",
                                 low=f"{low:,}", high=f"{high:,}", value=_shown(value))
        return number

    def choice(self, name: str, choices: Sequence[str], default: str) -> str:
        """One of ``choices`` (as written: case counts)."""
        value = self.get(name)
        if value is None:
            return default
        if value not in choices:
            raise ParameterError(name, "%(parameter)s must be one of %(choices)s, not %(value)s",
                                 choices=", ".join(choices), value=_shown(value))
        return value  # type: ignore[return-value]

    def text(self, name: str, default: str = "") -> str:
        value = self.get(name)
        if value is None:
            return default
        if not isinstance(value, str):
            raise ParameterError(name, "%(parameter)s must be a string, not %(value)s", value=_shown(value))
        return value
