"""Request size limits: a body over the limit is refused before it is read, and never held whole.

``RequestSizeLimitMiddleware`` answers 413 at once when the declared ``Content-Length`` is
over ``REQUEST_MAX_BYTES``, and otherwise wraps the body stream so that a body without a
length (chunked) cannot grow past it either. ``FileSizeLimitUploadHandler`` sits first in
``FILE_UPLOAD_HANDLERS`` and stops each uploaded file at ``UPLOAD_FILE_MAX_BYTES`` while
Django's handlers stream it to memory (small files) or a temporary file. Features have
smaller limits of their own (a supplier list, an audit report), which their views and
services check with a bounded read.

Both raise Django's ``RequestDataTooBig``: the API answers it with a 413 problem document
(``core/apiutils.py``), HTML routes with the plain 413 page (``core/views.error_400``).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.core.files.uploadhandler import FileUploadHandler
from django.http import HttpRequest, HttpResponse
from django.template.defaultfilters import filesizeformat
from django.template.loader import render_to_string

from covenant.core.apiutils import problem
from covenant.core.views import error_400


class RequestBodyTooLarge(RequestDataTooBig):
    pass


class CappedStream:
    """A request body stream that raises instead of yielding more than ``limit`` bytes."""

    def __init__(self, stream: Any, limit: int) -> None:
        self._stream = stream
        self._limit = limit
        self._read = 0

    def _count(self, data: bytes) -> bytes:
        self._read += len(data)
        if self._read > self._limit:
            raise RequestBodyTooLarge(f"The request body is larger than {filesizeformat(self._limit)}.")
        return data

    def _allowance(self, size: int | None) -> int:
        # One byte beyond the limit is enough to know the body is too large.
        left = self._limit - self._read + 1
        return left if size is None or size < 0 else min(size, left)

    def read(self, size: int | None = -1) -> bytes:
        return self._count(self._stream.read(self._allowance(size)))

    def readline(self, size: int | None = -1) -> bytes:
        return self._count(self._stream.readline(self._allowance(size)))

    def close(self) -> None:
        close = getattr(self._stream, "close", None)
        if close is not None:
            close()


class RequestSizeLimitMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        limit = int(settings.REQUEST_MAX_BYTES)
        try:
            declared = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            declared = 0  # Django reads such a body as empty
        if declared > limit:
            return too_large_response(request)
        request._stream = CappedStream(request._stream, limit)  # type: ignore[assignment]
        return self.get_response(request)


def too_large_response(request: HttpRequest) -> HttpResponse:
    return error_400(request, RequestBodyTooLarge())


class FileSizeLimitUploadHandler(FileUploadHandler):
    """Counts each uploaded file as it streams and stops it at ``UPLOAD_FILE_MAX_BYTES``.

    It passes every chunk on to the handlers after it (Django's memory and temporary-file
    handlers), so it must come first in ``FILE_UPLOAD_HANDLERS``.
    """

    def new_file(self, *args: Any, **kwargs: Any) -> None:
        super().new_file(*args, **kwargs)
        self.received = 0

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        self.received += len(raw_data)
        limit = int(settings.UPLOAD_FILE_MAX_BYTES)
        if self.received > limit:
            # The temporary-file handler removes what it wrote so far.
            for handler in getattr(self.request, "upload_handlers", []):
                if handler is not self:
                    handler.upload_interrupted()
            raise RequestBodyTooLarge(f"{self.file_name} is larger than {filesizeformat(limit)}.")
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None


_NUL_IN_QUERY = re.compile(r"%00|\x00")
_NUL_IN_JSON = re.compile(rb"\\u0000|\x00")
_NUL_IN_FORM = re.compile(rb"%00|\x00")


class RejectNulMiddleware:
    """Refuses a request that carries a NUL character in its path, query or text body (400).

    No field Covenant stores may hold one, and PostgreSQL refuses NUL in text: without this a
    NUL typed into any field became a database error (500) on PostgreSQL and was stored on
    SQLite. Checked before any view runs, so every route is covered, the API (as a problem
    document, by ``ApiProblemMiddleware``) and the pages alike. Files in multipart bodies
    are binary and are not checked here.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if "\x00" in request.path or _NUL_IN_QUERY.search(request.META.get("QUERY_STRING", "")):
            return _nul_response(request)
        content_type = request.META.get("CONTENT_TYPE", "")
        pattern = (
            _NUL_IN_JSON
            if content_type.startswith("application/json")
            else _NUL_IN_FORM
            if content_type.startswith("application/x-www-form-urlencoded")
            else None
        )
        if pattern is not None:
            try:
                body = request.body
            except RequestDataTooBig:
                return self.get_response(request)  # answered 413 where the body is read
            if pattern.search(body):
                return _nul_response(request)
        return self.get_response(request)


def _nul_response(request: HttpRequest) -> HttpResponse:
    detail = "The request carries a NUL character, which no field may hold."
    if request.path.startswith("/api/"):
        return problem(400, "Invalid request", detail)
    return HttpResponse(render_to_string("400.html"), status=400)
