"""The project's one exception hierarchy.

Everything we raise on purpose derives from :class:`ArchiveError`, so the CLI and the web layer turn it
into a clear message instead of a traceback. Each class knows the HTTP status it is answered with (and,
where a client should try again later, after how many seconds), so the web handles every error in one
place; the CLI prints the message (exit status 2 for a query it cannot use, 1 for the rest).
"""

from __future__ import annotations


def N_(message: str) -> str:
    """Mark ``message`` for the site's catalogs (``make messages`` collects it) without translating it:
    the library speaks English, and the web translates when it reports the error."""
    return message


class ArchiveError(Exception):
    """Base class for every error the archive reports to a user.

    Raised as ``QueryError(N_("year:%(value)s is not a year"), value=v)``: ``str()`` is the English
    message, and the web looks the template up in its catalog and fills in the same ``params``.
    """

    #: The HTTP status of the answer that carries this error.
    status: int = 500
    #: Seconds after which the same request may succeed (``Retry-After``); None: not worth retrying as is.
    retry_after: int | None = None

    def __init__(self, message: str = "", /, **params: object) -> None:
        super().__init__(message % params if params else message)
        self.template = message
        self.params = params


class SourceError(ArchiveError):
    """A source file cannot be read or decoded; the message names the file."""

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason


class CatalogError(ArchiveError):
    """``seeds/catalog.toml`` is malformed."""


class NotFoundError(ArchiveError):
    """A document id or paragraph number that the archive does not hold."""

    status = 404


class StyleError(ArchiveError):
    """A citation style that is not installed."""

    status = 400
