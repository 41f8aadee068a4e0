"""The HTTP API, mounted at /api/v1/ with its OpenAPI document at /api/v1/openapi.json.

Each app contributes a router from its own ``api.py``. Handlers stay thin: they
turn the request into an Actor and arguments, and call a selector or a service.
"""

from __future__ import annotations

from typing import Any

from ninja import NinjaAPI
from ninja.openapi.schema import OpenAPISchema

from covenant.accounts.api import router as accounts_router
from covenant.accounts.apiauth import TokenAuth
from covenant.assessments.api import router as assessments_router
from covenant.audits.api import router as audits_router
from covenant.capability.api import router as capability_router
from covenant.core.api import router as core_router
from covenant.core.apiutils import BrowserSessionAuth, document_problems, install_error_handlers
from covenant.grievances.api import router as grievances_router
from covenant.joint.api import router as joint_router
from covenant.learning.api import router as learning_router
from covenant.orgs.api import router as orgs_router
from covenant.partners.api import router as partners_router
from covenant.plans.api import router as plans_router
from covenant.registry.api import router as registry_router
from covenant.risk.api import router as risk_router
from covenant.saq.api import router as saq_router


class CovenantAPI(NinjaAPI):
    """The API whose OpenAPI document also declares every operation's error responses."""

    def get_openapi_schema(self, *, path_prefix: str | None = None, path_params: Any = None) -> OpenAPISchema:
        doc = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        document_problems(doc)
        return doc


api = CovenantAPI(
    title="Covenant API",
    version="1",
    description=(
        "The HTTP API of Covenant. Authenticate with an organisation API token "
        "(`Authorization: Bearer cov_…`), made on the organisation's API tokens page. "
        "Every list answers `{count, page, page_size, next, previous, items}`: ask for a page with "
        "`page` (from 1) and `page_size` (1 to 200, default 50); `next` and `previous` are the "
        "neighbouring pages' URLs with the other query parameters kept, or null. "
        "Errors are `application/problem+json` documents (`Problem`: type, title, status, detail, "
        "and `errors` listing each invalid value on a 422); each operation lists those it can answer. "
        "A read-only token gets 403 on every write."
    ),
    urls_namespace="api",
    auth=[TokenAuth(), BrowserSessionAuth()],
)
install_error_handlers(api)
api.add_router("", accounts_router)
api.add_router("", orgs_router)
api.add_router("", core_router)
api.add_router("", registry_router)
api.add_router("", audits_router)
api.add_router("", risk_router)
api.add_router("", grievances_router)
api.add_router("", capability_router)
api.add_router("", learning_router)
api.add_router("", saq_router)
api.add_router("", partners_router)
api.add_router("", joint_router)
api.add_router("", plans_router)
api.add_router("", assessments_router)
