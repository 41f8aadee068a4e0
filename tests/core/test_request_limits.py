"""Bodies over the limit answer 413 without being read whole; unreadable bodies 400.

On the API as problem documents, on HTML routes as plain pages.
"""

from __future__ import annotations

import io
import os
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.handlers.wsgi import WSGIRequest
from django.http import HttpRequest, HttpResponse
from django.test import Client, RequestFactory

from covenant.accounts.services import create_token
from covenant.core.limits import CappedStream, RequestBodyTooLarge, RequestSizeLimitMiddleware
from tests.conftest import World, actor_of, client_for

PROBLEM = "application/problem+json"
BOUNDARY = "zz"


@pytest.fixture
def api(world: World) -> Client:
    _t, secret = create_token(actor_of(world.admin_a), name="t", read_only=False)
    return Client(HTTP_AUTHORIZATION=f"Bearer {secret}", raise_request_exception=False)


@pytest.fixture
def site(world: World) -> Client:
    client = client_for(world.editor_a)
    client.raise_request_exception = False
    return client


class Unreadable(io.RawIOBase):
    """A body stream that fails the test if anything reads it."""

    def read(self, size: int = -1) -> bytes:
        pytest.fail("the body was read")


def multipart(fields: dict[str, str], files: dict[str, bytes] | None = None) -> bytes:
    parts = [f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n' for k, v in fields.items()]
    body = "".join(parts).encode()
    for name, data in (files or {}).items():
        head = f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{name}"; filename="{name}.csv"\r\n'
        body += head.encode() + b"Content-Type: text/csv\r\n\r\n" + data + b"\r\n"
    return body + f"--{BOUNDARY}--\r\n".encode()


# --------------------------------------------------------------------------- declared length


def test_a_declared_length_over_the_limit_is_refused_before_reading(settings: Any) -> None:
    settings.REQUEST_MAX_BYTES = 1000
    seen: list[HttpRequest] = []
    middleware = RequestSizeLimitMiddleware(lambda request: seen.append(request) or HttpResponse())  # type: ignore[func-returns-value]
    for path, content_type in (("/api/v1/lists/uploads", PROBLEM), ("/lists/", "text/html")):
        request = RequestFactory().generic("POST", path, data=b"", content_type="multipart/form-data; boundary=zz")
        request.META["CONTENT_LENGTH"] = "200000000"
        request._stream = Unreadable()  # type: ignore[assignment]
        response = middleware(request)
        assert response.status_code == 413
        assert response["Content-Type"].startswith(content_type)
    assert seen == []


def test_api_answers_413_problem_for_a_large_declared_body(api: Client, settings: Any) -> None:
    settings.REQUEST_MAX_BYTES = 1000
    response = api.post("/api/v1/invitations", data=b"x" * 2000, content_type="application/json")
    assert response.status_code == 413
    assert response["Content-Type"] == PROBLEM
    assert response.json()["status"] == 413


def test_a_body_without_a_length_is_cut_off_while_it_streams(settings: Any) -> None:
    settings.REQUEST_MAX_BYTES = 1000

    def read_body(request: HttpRequest) -> HttpResponse:
        return HttpResponse(str(len(request.body)))

    middleware = RequestSizeLimitMiddleware(read_body)
    environ = RequestFactory().post("/api/v1/x", data=b"", content_type="application/json").environ
    environ.pop("CONTENT_LENGTH", None)
    ok = WSGIRequest(environ)
    ok._stream = io.BytesIO(b"x" * 1000)  # type: ignore[assignment]  # as a chunked body arrives under ASGI
    assert middleware(ok).content == b"1000"
    too_big = WSGIRequest(environ)
    too_big._stream = io.BytesIO(b"x" * 5000)  # type: ignore[assignment]
    with pytest.raises(RequestBodyTooLarge):
        middleware(too_big)


def test_capped_stream_reads_at_most_one_byte_past_the_limit() -> None:
    source = io.BytesIO(b"x" * 10_000)
    stream = CappedStream(source, 100)
    assert stream.read(60) == b"x" * 60
    assert stream.readline(40) == b"x" * 40
    with pytest.raises(RequestBodyTooLarge):
        stream.read()
    assert source.tell() == 101


# --------------------------------------------------------------------------- bodies Django refuses


def test_json_over_djangos_memory_limit_is_a_413_problem(api: Client, settings: Any) -> None:
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    body = b'{"email": "' + b"a" * 2000 + b'@x.example", "role": "viewer"}'
    response = api.post("/api/v1/invitations", data=body, content_type="application/json")
    assert response.status_code == 413
    assert response["Content-Type"] == PROBLEM


def test_multipart_without_a_boundary_is_a_400(api: Client, site: Client) -> None:
    response = api.post("/api/v1/lists/uploads", data=b"x", content_type="multipart/form-data")
    assert response.status_code == 400
    assert response["Content-Type"] == PROBLEM
    page = site.post("/lists/", data=b"x", content_type="multipart/form-data")
    assert page.status_code == 400
    assert page["Content-Type"].startswith("text/html")


def test_too_many_fields_is_a_400(api: Client, site: Client, settings: Any) -> None:
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 10
    body = multipart({f"f{i}": "1" for i in range(20)})
    content_type = f"multipart/form-data; boundary={BOUNDARY}"
    response = api.post("/api/v1/lists/uploads", data=body, content_type=content_type)
    assert response.status_code == 400
    assert response["Content-Type"] == PROBLEM
    page = site.post("/lists/", data=body, content_type=content_type)
    assert page.status_code == 400
    assert b"could not be read" in page.content


# --------------------------------------------------------------------------- uploaded files


def test_a_file_over_the_limit_is_stopped_while_it_streams(
    api: Client, site: Client, settings: Any, tmp_path: Path
) -> None:
    settings.UPLOAD_FILE_MAX_BYTES = 5000
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 1000  # larger files go to a temporary file
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path)
    body = multipart({"list_name": "Big"}, {"file": b"Name,Country\n" + b"Dhaka Knit,BD\n" * 1000})
    content_type = f"multipart/form-data; boundary={BOUNDARY}"
    response = api.post("/api/v1/lists/uploads", data=body, content_type=content_type)
    assert response.status_code == 413
    assert response["Content-Type"] == PROBLEM
    page = site.post("/lists/", data=body, content_type=content_type)
    assert page.status_code == 413
    assert page["Content-Type"].startswith("text/html")
    assert os.listdir(tmp_path) == []  # what was written so far is gone


def test_a_file_under_the_limit_still_uploads(api: Client, settings: Any) -> None:
    settings.UPLOAD_FILE_MAX_BYTES = 5000
    data = b"Name,Country\nDhaka Knit,BD\n"
    response = api.post("/api/v1/lists/uploads", {"list_name": "Small", "file": SimpleUploadedFile("l.csv", data)})
    assert response.status_code == 201, response.content


def test_list_upload_reads_one_byte_past_its_limit_only(
    api: Client, site: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    from covenant.registry import services

    monkeypatch.setattr(services, "MAX_UPLOAD_BYTES", 100)
    received: list[int] = []
    start_upload = services.start_upload

    def spy(*args: Any, data: bytes, **kwargs: Any) -> Any:
        received.append(len(data))
        return start_upload(*args, data=data, **kwargs)

    monkeypatch.setattr(services, "start_upload", spy)
    data = b"Name,Country\n" + b"Dhaka Knit,BD\n" * 100
    response = api.post("/api/v1/lists/uploads", {"list_name": "A", "file": SimpleUploadedFile("l.csv", data)})
    assert response.status_code == 400
    assert "larger than 20 MB" in response.json()["detail"]
    site.post("/lists/", {"list_name": "B", "file": SimpleUploadedFile("l.csv", data)})
    assert received == [101, 101]
