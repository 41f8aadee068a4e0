"""The web server's access log, with the secrets in request lines masked.

``covenant serve`` hands this class to gunicorn (``--logger-class``): a request
line such as ``GET /invitations/<token>/`` would otherwise put a working
invitation link into the log of every request that opens one.
"""

from __future__ import annotations

from typing import Any

from gunicorn.glogging import Logger  # type: ignore[import-untyped]

from covenant.accounts.logfilters import redact


class RedactingLogger(Logger):  # type: ignore[misc]
    def atoms(self, resp: Any, req: Any, environ: Any, request_time: Any) -> dict[str, Any]:
        atoms: dict[str, Any] = super().atoms(resp, req, environ, request_time)
        return {key: redact(value) if isinstance(value, str) else value for key, value in atoms.items()}
