"""Rule 1: bytes to text. UTF-8 (BOM allowed), else GB18030, else refuse by name."""

from __future__ import annotations

import re

from archive.errors import SourceError

_BOM = b"\xef\xbb\xbf"
#: Control characters that no text holds (white space ones, tab to carriage return, do).
_CONTROLS = re.compile(r"[\x00-\x08\x0e-\x1f]")


def decode_bytes(data: bytes, name: str) -> tuple[str, str]:
    """Decode ``data`` strictly and return ``(text, encoding)``.

    Never decodes with a replacement character: a byte that fits neither
    encoding means the file is refused with a message naming it.
    """
    if b"\x00" in data:
        raise SourceError(name, "holds NUL bytes: it is a binary file, not an article")
    text, encoding = _decode(data, name)
    controls = len(_CONTROLS.findall(text))
    if controls > max(8, len(text) // 200):
        raise SourceError(name, f"holds {controls} control characters: it looks like a binary file, not an article")
    return text, encoding


def _decode(data: bytes, name: str) -> tuple[str, str]:
    if data.startswith(_BOM):
        try:
            return data[len(_BOM):].decode("utf-8"), "utf-8-sig"
        except UnicodeDecodeError as exc:
            raise SourceError(name, f"has a UTF-8 BOM but invalid UTF-8 at byte {exc.start + 3}") from exc
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as utf8_error:
        try:
            return data.decode("gb18030"), "gb18030"
        except UnicodeDecodeError as gb_error:
            raise SourceError(
                name,
                "is neither UTF-8 nor GB18030 "
                f"(UTF-8 fails at byte {utf8_error.start}, GB18030 at byte {gb_error.start}); "
                "convert it to UTF-8 and rebuild",
            ) from gb_error
