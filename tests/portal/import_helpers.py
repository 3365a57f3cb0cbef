"""The import entry points as the portal calls them: with the kind's printed type name."""

from portal import importing
from portal.importing import ImportResult

KIND_TYPE_NAMES = {"bulletin": "BẢN TIN", "guidance": "HƯỚNG DẪN", "report": "BÁO CÁO"}


def _kind(kind: str) -> dict:
    """What the registry tells the importer of a kind: its type name, and if it is monthly."""
    return {"type_name": KIND_TYPE_NAMES.get(kind), "monthly": kind == "bulletin"}


def import_text(text: str, kind: str, **options) -> ImportResult:
    """import_text with the type name of the kind (none for a kind the portal lacks)."""
    return importing.import_text(text, kind, **_kind(kind), **options)


def import_docx(data: bytes, kind: str) -> ImportResult:
    """import_docx with the type name of the kind."""
    return importing.import_docx(data, kind, **_kind(kind))


def import_upload(data: bytes, kind: str) -> tuple[ImportResult, str]:
    """import_upload with the type name of the kind."""
    return importing.import_upload(data, kind, **_kind(kind))
