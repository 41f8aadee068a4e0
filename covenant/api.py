"""The HTTP API, mounted at /api/v1/ with its OpenAPI document at /api/v1/openapi.json.

Each app contributes a router from its own ``api.py``. Handlers stay thin: they
turn the request into an Actor and arguments, and call a selector or a service.
"""

from __future__ import annotations

from ninja import NinjaAPI

from covenant.accounts.api import router as accounts_router
from covenant.audits.api import router as audits_router
from covenant.core.api import router as core_router
from covenant.core.apiutils import BrowserSessionAuth, TokenAuth, install_error_handlers
from covenant.grievances.api import router as grievances_router
from covenant.orgs.api import router as orgs_router
from covenant.registry.api import router as registry_router
from covenant.risk.api import router as risk_router

api = NinjaAPI(
    title="Covenant API",
    version="1",
    description=(
        "The HTTP API of Covenant. Authenticate with an organisation API token "
        "(`Authorization: Bearer cov_…`), made on the organisation's API tokens page. "
        "Lists are paginated with `page` and `page_size`; errors are `application/problem+json`."
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
