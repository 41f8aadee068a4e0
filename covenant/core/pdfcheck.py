"""Is an uploaded file a PDF we are willing to keep and hand to readers?

One rule for every PDF others download (audit reports, CAP evidence, learning tools,
self-assessment evidence, joint-action documents). Reports are downloaded by suppliers' customers: a
file that merely starts with ``%PDF-`` could be anything, and a PDF that runs JavaScript or
launches a program when opened is not something we pass on. So the file is opened with pypdf and
every object reachable from its trailer is looked at (dictionary keys only; streams are not
decoded). No Django here: the caller words the refusal.
"""

from __future__ import annotations

import io
import logging
from enum import Enum

from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, PdfObject

MAGIC = b"%PDF-"
# Action types that run something on the reader's machine (ISO 32000-1, 12.6.4).
ACTIVE_ACTIONS = frozenset({"/JavaScript", "/Launch"})
# A report has a few thousand objects; far more is not a report (and the walk must end).
MAX_OBJECTS = 500_000


class PdfProblem(Enum):
    NOT_PDF = "not_pdf"
    UNREADABLE = "unreadable"
    ENCRYPTED = "encrypted"
    ACTIVE_CONTENT = "active_content"


def pdf_problem(data: bytes) -> PdfProblem | None:
    """What is wrong with ``data`` as a report, or None when it is a readable PDF without
    JavaScript or launch actions."""
    if not data.startswith(MAGIC):
        return PdfProblem.NOT_PDF
    # pypdf warns through logging about every repair it makes; a refusal says enough.
    logger = logging.getLogger("pypdf")
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        # Not strict: real reports often have slightly wrong cross-reference offsets, which
        # pypdf repairs. Garbage still fails below (no trailer, no pages, objects that do not parse).
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            return PdfProblem.ENCRYPTED
        if len(reader.pages) == 0:
            return PdfProblem.UNREADABLE
        return PdfProblem.ACTIVE_CONTENT if _has_active_content(reader) else None
    except Exception:  # any failure to parse an untrusted file means "cannot be read"
        return PdfProblem.UNREADABLE
    finally:
        logger.setLevel(level)


def _has_active_content(reader: PdfReader) -> bool:
    """JavaScript anywhere (the document's /Names /JavaScript, /OpenAction, /AA, annotations'
    /A and /AA, form fields) or a /Launch action. Walks the whole object graph rather than
    the places named in the standard, so an action hidden one level deeper is found too."""
    seen: set[tuple[int, int]] = set()
    stack: list[PdfObject] = [reader.trailer]
    count = 0
    while stack:
        obj: PdfObject | None = stack.pop()
        if isinstance(obj, IndirectObject):
            key = (obj.idnum, obj.generation)
            if key in seen:
                continue
            seen.add(key)
            obj = obj.get_object()
        count += 1
        if count > MAX_OBJECTS:
            raise ValueError("too many objects")
        if isinstance(obj, DictionaryObject):  # streams too: their dictionaries
            if "/JS" in obj or "/JavaScript" in obj:
                return True
            kind: object = dict.get(obj, "/S")
            if isinstance(kind, IndirectObject):
                kind = kind.get_object()
            if kind in ACTIVE_ACTIONS:
                return True
            stack.extend(dict.values(obj))
        elif isinstance(obj, ArrayObject):
            stack.extend(obj)
    return False
