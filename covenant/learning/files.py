"""Is an uploaded tool a file we are willing to keep and hand to other members?

A shared tool is opened by people of other companies, so it is judged by its content, never by
its name: a PDF (opened with pypdf; neither encrypted nor carrying JavaScript or launch actions,
as audit reports are checked), an Office Open XML document (Word, Excel, PowerPoint) without
macros, or an OpenDocument file without macros. Archives are measured before anything is
unpacked. No Django here but the translated refusals.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from covenant.core.pdfcheck import MAGIC as PDF_MAGIC
from covenant.core.pdfcheck import PdfProblem, pdf_problem

ZIP_MAGIC = b"PK\x03\x04"
# An office file unpacks to a few times its size; far more is a zip bomb.
MAX_UNPACKED = 200 * 1024 * 1024
MAX_MEMBERS = 20_000

OOXML = {
    "word/document.xml": ("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    "xl/workbook.xml": ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "ppt/presentation.xml": ("pptx", "application/vnd.openxmlformats-officedocument.presentationml.presentation"),
}
ODF = {
    "application/vnd.oasis.opendocument.text": "odt",
    "application/vnd.oasis.opendocument.spreadsheet": "ods",
    "application/vnd.oasis.opendocument.presentation": "odp",
}


@dataclass(frozen=True)
class CheckedFile:
    extension: str
    content_type: str


def max_file_bytes() -> int:
    """The library's own limit, never above what the request limits let through."""
    own = int(getattr(settings, "LEARNING_FILE_MAX_BYTES", 20 * 1024 * 1024))
    return min(own, int(getattr(settings, "UPLOAD_FILE_MAX_BYTES", own)))


def check_file(name: str, data: bytes) -> CheckedFile:
    """What the file is, or a ValidationError that says, in the reader's language, why not."""
    limit = max_file_bytes()
    if len(data) > limit:
        raise ValidationError(_("%(name)s is larger than %(limit)s.") % {"name": name, "limit": filesizeformat(limit)})
    if not data:
        raise ValidationError(_("%(name)s is empty.") % {"name": name})
    if data.startswith(PDF_MAGIC):
        _check_pdf(name, data)
        return CheckedFile("pdf", "application/pdf")
    if data.startswith(ZIP_MAGIC):
        return _check_office(name, data)
    raise ValidationError(
        _("%(name)s is not a file we share. Upload a PDF, a Word, Excel or PowerPoint file, or an OpenDocument file.")
        % {"name": name}
    )


def _check_pdf(name: str, data: bytes) -> None:
    # The one PDF rule of the project (core/pdfcheck.py); only the wording is the library's.
    problem = pdf_problem(data)
    if problem is PdfProblem.ENCRYPTED:
        raise ValidationError(
            _("%(name)s is encrypted or password-protected. Upload it without a password.") % {"name": name}
        )
    if problem is PdfProblem.ACTIVE_CONTENT:
        raise ValidationError(
            _("%(name)s contains JavaScript or an action that starts a program; such files are not shared.")
            % {"name": name}
        )
    if problem is not None:
        raise ValidationError(
            _("%(name)s cannot be read as a PDF: it is damaged or incomplete. Save or export it again.")
            % {"name": name}
        )


def _check_office(name: str, data: bytes) -> CheckedFile:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise ValidationError(_("%(name)s cannot be read: it is damaged or incomplete.") % {"name": name}) from exc
    if len(members) > MAX_MEMBERS or sum(m.file_size for m in members) > MAX_UNPACKED:
        raise ValidationError(_("%(name)s unpacks to far more than its size; it is not shared.") % {"name": name})
    names = {m.filename for m in members}
    macros = any(n.lower().endswith("vbaproject.bin") or n.startswith(("Basic/", "Scripts/")) for n in names)
    if macros:
        raise ValidationError(
            _("%(name)s contains macros; such files are not shared. Save it without macros and upload that.")
            % {"name": name}
        )
    if "[Content_Types].xml" in names:
        for part, (extension, content_type) in OOXML.items():
            if part in names:
                return CheckedFile(extension, content_type)
    if "mimetype" in names:
        try:
            mimetype = archive.read("mimetype")[:100].decode("ascii", "replace").strip()
        except (zipfile.BadZipFile, OSError, ValueError, RuntimeError) as exc:
            raise ValidationError(_("%(name)s cannot be read: it is damaged or incomplete.") % {"name": name}) from exc
        if mimetype in ODF:
            return CheckedFile(ODF[mimetype], mimetype)
    raise ValidationError(
        _("%(name)s is not a file we share. Upload a PDF, a Word, Excel or PowerPoint file, or an OpenDocument file.")
        % {"name": name}
    )
