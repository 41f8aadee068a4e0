"""CSV and XLSX downloads of a member's audit coverage and of the corrective actions it follows,
each with the sites' risk columns in the member's view (``risk.lists``)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.http import HttpResponse

from covenant.audits.models import CorrectiveAction
from covenant.audits.selectors import section_topic
from covenant.core.downloads import table_response
from covenant.registry.interface import SupplyLink
from covenant.risk.lists import RiskQuery, export_header, export_values

COVERAGE_HEADER = ["facility_id", "name", "country", "tier", "state", "last_audit"]
CAP_HEADER = [
    "facility_id",
    "site",
    "audit",
    "finding",
    "section",
    "topic",
    "grade",
    "severity",
    "due_date",
    "status",
]


def _state(link: Any) -> str:
    if link.covered:
        return "covered"
    return "audited_not_recognised" if link.audited else "no_audit"


def coverage_response(links: Iterable[SupplyLink], risk: RiskQuery, fmt: str) -> HttpResponse:
    """Rows of ``selectors.coverage_export_rows``: the site, its state, its last readable audit, its risk."""
    rows = (
        [
            link.facility.public_id,
            link.facility.name,
            link.facility.country,
            link.tier,
            _state(link),
            link.last_audit.isoformat() if link.last_audit else "",  # type: ignore[attr-defined]
            *export_values(link, risk),
        ]
        for link in links
    )
    return table_response(COVERAGE_HEADER + export_header(risk), rows, fmt, "audit-coverage")


def caps_response(actions: Iterable[CorrectiveAction], risk: RiskQuery, fmt: str) -> HttpResponse:
    rows = (
        [
            a.audit.facility.public_id,
            a.audit.facility.name,
            str(a.audit_id),
            a.finding.number,
            a.finding.section,
            section_topic(a),
            a.finding.grade,
            a.finding.severity,
            a.due_date.isoformat() if a.due_date else "",
            a.display_status,
            *export_values(a, risk),
        ]
        for a in actions
    )
    return table_response(CAP_HEADER + export_header(risk), rows, fmt, "corrective-actions")
