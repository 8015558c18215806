"""The export formats, by name: apart from their writers (:mod:`archive.export`, which loads bibtexparser
and rispy), so that the command line can name them without loading either."""

#: The formats of an export: name → (file extension, MIME type).
FORMATS: dict[str, tuple[str, str]] = {
    "bibtex": ("bib", "application/x-bibtex"),
    "ris": ("ris", "application/x-research-info-systems"),
    "csljson": ("json", "application/vnd.citationstyles.csl+json"),
    "csv": ("csv", "text/csv"),
}
