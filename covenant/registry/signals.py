"""What other apps may react to when the register changes.

Apps that keep rows about a facility (risk signals and scores, audits, cases)
connect to :data:`facility_merged` and move their rows from the merged record
to the survivor; apps that derive data from a facility's attributes connect to
:data:`facilities_changed`. Receivers run inside the writing transaction: if one
fails, the change is undone, so nothing ends up pointing at a merged record and no
site is left with a stale score.
"""

from __future__ import annotations

from django.dispatch import Signal

#: Sent with ``loser`` and ``survivor`` (both ``Facility``) and ``actor``.
facility_merged = Signal()

#: Sent with ``facility_ids`` (a list of ints) when facilities were created, or their
#: country, subdivision, sector or products changed: what derived data (risk scores)
#: is computed from. Sent inside the writing transaction, once per batch.
facilities_changed = Signal()

#: Sent with ``facility`` (a ``Facility``), ``owner`` (the supplier ``Organisation`` whose claim
#: was verified) and ``actor``, inside the deciding transaction: apps holding rows for a site
#: without a supplier (audits entered for an unclaimed site) hand them to their owner.
claim_verified = Signal()
