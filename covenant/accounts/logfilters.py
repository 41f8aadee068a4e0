"""Logging filters: no secrets and no pointless tracebacks in the logs.

Used by ``LOGGING`` in settings (loaded while settings are configured, so this
module imports nothing from Django) and by the web server's access log
(``covenant/accounts/accesslog.py``).
"""

from __future__ import annotations

import logging
import re

REDACTED = "[redacted]"

# Each pattern keeps what locates the secret (group 1) and masks the secret itself.
_SECRETS = [
    # Invitation links: /invitations/<token>/ (not the ids in /organisation/invitations/<uuid>/… or the API).
    re.compile(r"((?<!/organisation)(?<!/api/v1)/invitations/)[^/\s?#\"'<>]+"),
    # allauth's password-reset links (/accounts/password/reset/key/<uid>-<key>/) and e-mail confirmations.
    re.compile(r"(/password/reset/key/)[^/\s?#\"'<>]+"),
    re.compile(r"(/confirm-email/)[^/\s?#\"'<>]+"),
    # API tokens (cov_<prefix>_<secret>): the prefix names the token, the rest is the secret.
    re.compile(r"(\bcov_[0-9a-f]+_)[A-Za-z0-9_\-]+"),
    # Any bearer credential, e.g. an Authorization header quoted in a message.
    re.compile(r"(\bBearer\s+)[^\s\"',;]+", re.IGNORECASE),
    # Query parameters that carry secrets (?token=, ?key=, hub.verify_token=, ?code=, …).
    re.compile(
        r"([?&;](?:(?:[\w.\-]*[._\-])?(?:token|key|secret|password|signature)|code)=)[^&\s#\"'<>]*",
        re.IGNORECASE,
    ),
]


def redact(text: str) -> str:
    """``text`` with every secret above replaced by ``[redacted]``."""
    for pattern in _SECRETS:
        text = pattern.sub(lambda match: match.group(1) + REDACTED, text)
    return text


class RedactSecrets(logging.Filter):
    """Masks secrets in a record's message (after its arguments are filled in) and traceback."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:
            # A malformed record is reported by the handler; a filter must not raise instead.
            return True
        clean = redact(message)
        if clean != message:
            record.msg, record.args = clean, ()
        if record.exc_info and not record.exc_text:
            # Format the traceback here, so the redacted text is what the formatter prints.
            record.exc_text = redact(logging.Formatter().formatException(record.exc_info))
        elif record.exc_text:
            record.exc_text = redact(record.exc_text)
        return True


class NoClientErrorTracebacks(logging.Filter):
    """Django logs a 403 or 404 raised as an exception with its traceback; for an
    answer the client caused, the line is enough (and tracebacks of them flood the log)."""

    def filter(self, record: logging.LogRecord) -> bool:
        status = getattr(record, "status_code", None)
        if isinstance(status, int) and 400 <= status < 500:
            record.exc_info = None
            record.exc_text = None
        return True
