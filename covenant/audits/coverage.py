"""The member's audit-coverage counters: one SQL statement, in this one place.

What it counts, over a member's linked sites (one row per site, whatever the number of
audits):

- ``sites``: the sites;
- ``covered``: sites with a recognised audit (under the member's policy, today) that the
  member may read;
- ``not_recognised``: sites without such an audit but with an active audit the member
  may read (audited, not recognised);
- ``high_risk`` / ``high_risk_covered``: sites whose band is high or very high, and of those the
  covered ones. The band is the member's view (``risk.lists.member_band_rows``: the stored,
  shared band, with the few sites its own overrides or the evidence it may read move);
- ``unscored``: sites without a stored risk yet (being scored: counted neither high nor not).

"May read" is the audits' one rule for a member: the audit is active, and its supplier
shares all its audits with every member or shared this one with the member (``AuditShare``).
An audit the member may not read leaves no trace in any of these counts.

Why it is written so: the page needs counts only, over up to tens of thousands of sites
and their audits. The ORM cannot left-join a queryset onto two other querysets and count
conditionally in one statement, and shipping the ids of every site to Python and back costs
ten times more (``docs/audits.md``, ``benchmarks/audits/bench_coverage.py``). So the parts
the ORM expresses well are compiled by the ORM (``Query.sql_with_params``, values bound as
parameters, never formatted into the text), and joined here:

- ``l``: the member's linked sites (a queryset of ``facility_id``, given by the caller);
- ``r``: the distinct sites among them with a readable recognised audit;
- ``b``: every stored band (corrected for the member's few sites by a ``CASE`` on their ids),
  joined on the site directly (not filtered by a subquery first: the planner then probes
  the ``SiteRisk`` primary key per linked site);
- "audited at all" is an ``EXISTS`` probe of the (facility, status) index, evaluated only
  for sites without a covering audit, which beats grouping every audit of the chain.

The statement only reads. Sites are scored when they are created or changed, never here.
``tests/audits/test_coverage_sql.py`` compares every count with a plain ORM computation on
SQLite and PostgreSQL; ``tests/test_query_counts.py`` holds the page to a fixed number of queries.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.models import Exists, OuterRef, Q, QuerySet

from covenant.audits.models import Audit, AuditShare, AuditStatus
from covenant.risk.interface import HIGH_BAND, band_rows


@dataclass(frozen=True)
class CoverageCounts:
    sites: int
    covered: int
    not_recognised: int
    high_risk: int
    high_risk_covered: int
    unscored: int


def _compiled(qs: QuerySet[Any]) -> tuple[str, tuple[Any, ...]]:
    sql, params = qs.query.sql_with_params()
    return sql, tuple(params)


def count_coverage(
    site_ids: QuerySet[Any],
    recognised: QuerySet[Audit],
    *,
    org_id: int,
    share_all: Sequence[int],
    bands: QuerySet[Any] | None = None,
) -> CoverageCounts:
    """Count a member's coverage in one statement (see the module's docstring).

    ``site_ids``: the member's linked sites, a ``values("facility_id")`` queryset;
    ``recognised``: the audits recognised under the member's policy today, not yet
    narrowed to those it may read (done here); ``share_all``: the suppliers sharing
    all their audits with every member; ``bands``: every scored site's band in the member's
    view (``risk.lists.member_band_rows``: ``facility_id``/``member_band`` rows), or if not
    given the stored bands (``band_rows()``)."""
    share_all = list(share_all)
    band = "band" if bands is None else "member_band"
    # The supplier's "share all" first: where it holds, no share is looked up for the audit.
    readable = Q(owner_id__in=share_all) | Q(Exists(AuditShare.objects.filter(audit_id=OuterRef("pk"), org_id=org_id)))
    covered_sites = (
        recognised.filter(facility_id__in=site_ids).filter(readable).order_by().values("facility_id").distinct()
    )
    parts = [_compiled(site_ids), _compiled(covered_sites), _compiled(band_rows() if bands is None else bands)]
    audits, shares = Audit._meta.db_table, AuditShare._meta.db_table
    share_all_sql = f"x.owner_id IN ({', '.join(['%s'] * len(share_all))}) OR " if share_all else ""
    sql = f"""
        SELECT COUNT(*),
               COUNT(r.facility_id),
               SUM(CASE WHEN r.facility_id IS NULL
                         AND EXISTS (SELECT 1 FROM {audits} x
                                     WHERE x.facility_id = l.facility_id AND x.status = %s
                                       AND ({share_all_sql}EXISTS (SELECT 1 FROM {shares} s
                                                                   WHERE s.audit_id = x.id AND s.org_id = %s)))
                        THEN 1 ELSE 0 END),
               SUM(CASE WHEN b.{band} >= %s THEN 1 ELSE 0 END),
               SUM(CASE WHEN b.{band} >= %s AND r.facility_id IS NOT NULL THEN 1 ELSE 0 END),
               SUM(CASE WHEN b.facility_id IS NULL THEN 1 ELSE 0 END)
        FROM ({parts[0][0]}) l
        LEFT JOIN ({parts[1][0]}) r ON r.facility_id = l.facility_id
        LEFT JOIN ({parts[2][0]}) b ON b.facility_id = l.facility_id
    """  # noqa: S608 - the parts are SQL compiled by the ORM, with their values as parameters
    # In the order of the placeholders: the SELECT list's, then each part's in FROM order.
    params = (
        AuditStatus.ACTIVE.value,
        *share_all,
        org_id,
        HIGH_BAND,
        HIGH_BAND,
        *(p for _text, part in parts for p in part),
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    sites, covered, not_recognised, high, high_covered, unscored = (int(v or 0) for v in row)
    return CoverageCounts(sites, covered, not_recognised, high, high_covered, unscored)
