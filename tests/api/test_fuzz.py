"""Property-based checks of the whole API against its own OpenAPI document (schemathesis).

For every operation in the document, requests are generated from its schema (valid values
only: the point is that whatever the document allows, the server answers as documented) and
sent through the WSGI application with the token of one of several roles. Every answer must be
free of server errors, carry a documented status code and content type, and match the
documented schema. Half of the examples aim path parameters at objects that exist (an audit
the supplier owns, member A's upload and row, a declared event), so handlers are reached
beyond their 404.

Generation is derandomized so a run is the same on every machine; ``COVENANT_FUZZ_EXAMPLES``
(default 30 per operation) sets how many examples each operation gets.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import hypothesis.strategies as st
import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from covenant.accounts import services as account_services
from covenant.api import api
from tests.conftest import World, actor_of
from tests.factories import audits_world, registry_world, risk_world

pytestmark = pytest.mark.fuzz

EXAMPLES = int(os.environ.get("COVENANT_FUZZ_EXAMPLES", "30"))
ROLES = ("member admin", "read-only member admin", "supplier", "audit firm", "secretariat")
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]

schema = schemathesis.openapi.from_dict(api.get_openapi_schema())
schema.config.generation.update(
    modes=[GenerationMode.POSITIVE],
    max_examples=EXAMPLES,
    deterministic=True,
    # Credentials come from the roles below, never from the generator.
    with_security_parameters=False,
    database="none",
)
APP = get_wsgi_application()


@dataclass
class Sector:
    tokens: dict[str, str]
    ids: dict[str, str]  # path parameter → an object that exists


@pytest.fixture
def _keep_the_test_connection() -> Iterator[None]:
    """As Django's test client does: requests through the real WSGI handler would otherwise close
    the database connection when they end, and with it the test's transaction (PostgreSQL)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def sector(world: World, _keep_the_test_connection: None) -> Sector:
    registry_world(world)
    audits_world(world)
    risk_world(world)
    x = world.extras

    def token(user: Any, read_only: bool = False) -> str:
        _t, secret = account_services.create_token(actor_of(user), name="fuzz", read_only=read_only)
        return secret

    spare, _secret = account_services.create_token(actor_of(world.admin_a), name="spare")
    return Sector(
        tokens={
            "member admin": token(world.admin_a),
            "read-only member admin": token(world.admin_a, read_only=True),
            "supplier": token(x["audit_supplier_admin"]),
            "audit firm": token(world.auditor),
            "secretariat": token(world.coordinator),
        },
        ids={
            "token_id": str(spare.pk),
            "slug": world.member_a.slug,
            "member": world.member_a.slug,
            "public_id": x["shared"].public_id,
            "upload_id": str(x["upload"].pk),
            "row_id": str(x["row"].pk),
            "audit_id": str(x["audit"].pk),
            "action_id": str(x["action"].pk),
            "event_id": str(x["event"].pk),
        },
    )


@schema.parametrize()
@schema.given(role=st.sampled_from(ROLES), real_ids=st.booleans())
@settings(
    max_examples=EXAMPLES,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_the_api_answers_as_documented(case: Any, role: str, real_ids: bool, sector: Sector) -> None:
    if real_ids and case.path_parameters:
        for name in case.path_parameters:
            if name in sector.ids:
                case.path_parameters[name] = sector.ids[name]
    case.call_and_validate(app=APP, headers={"Authorization": f"Bearer {sector.tokens[role]}"}, checks=CHECKS)
