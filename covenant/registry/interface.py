"""What other apps read from the register.

This is the only module of ``registry`` that other apps import (its templates and URL
names aside); ``tests/test_boundaries.py`` holds ``risk``, ``audits`` and ``grievances`` to
it. Everything else in ``registry`` may change without them noticing. Foreign keys to the
register stay strings (``"registry.Facility"``).

- **Types**: :class:`Facility`, :class:`FacilityStatus`, :class:`SupplyLink` and
  :class:`ChainSite`, for type hints and for queries that let the database join the
  register to one's own rows (pass querysets across, not id lists).
- **The register's rules**, each written once: :func:`active_links` (a link is active
  until its end date, that day included) and :func:`resolve_merged` (a merged record
  stands for the one it was merged into); :func:`facility_by_public_id` applies both to a
  public id typed by anyone.
- **A member's chain**, always through the scoping rule (an actor sees its own links
  only): :func:`own_links`, :func:`own_link`, :func:`member_links`, :func:`chain_sites_in`,
  :func:`beyond_tier_one`; a supplier's sites: :func:`own_facilities`; a site by id as the
  actor may see it: :func:`get_facility` (a provisional site another member added answers 404:
  new sites are provisional until confirmed). :func:`confirmed_facilities` is the register
  as anyone may search it without an actor (public lookups such as the grievance intake);
  :func:`search_facilities` the register as an actor may search it (name, alias in any script,
  facility id; provisional sites only where the actor may see them), as its search page does.
  :func:`chain_pairs_in` is unscoped, for system
  work whose results each member then sees only for itself.
- **Counting a member's sites**, the same number on every page: :func:`linked_site_ids`
  (active links only: "Linked sites") and :func:`chain_site_ids` (those and the sites
  mapped beyond tier 1: "Sites in your chain"). Ended links count in neither.
  :func:`review_queue`: the actor's list rows waiting for a person (the "Review" page).
- **Changes to react to**: the signals :data:`facility_merged`, :data:`claim_verified` and
  :data:`facilities_changed` (see ``registry/signals.py``).
- **Adding to the supply chain page** from above: :func:`register_chain_provider` with a
  :class:`ChainProvider` (filters, sorts and columns; ``registry/extensions.py``); ``risk``
  adds its band, score and topic this way.
- **Matching** a name against the register: :func:`matcher`.
- :func:`file_error_text`: an unreadable upload's error in the reader's language (its
  messages are the register's catalogue; a candidate for ``core``). CSV/XLSX downloads are
  ``core.downloads.table_response``.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from covenant.registry.extensions import ChainColumn, ChainFilter, ChainProvider, register_chain_provider
from covenant.registry.messages import file_error_text
from covenant.registry.models import Facility, FacilityStatus, SupplyLink, SupplyLinkQuerySet
from covenant.registry.selectors import (
    ChainSite,
    beyond_tier_one,
    chain_pairs_in,
    chain_site_ids,
    chain_sites_in,
    confirmed_facilities,
    facility_by_public_id,
    get_facility,
    linked_site_ids,
    member_links,
    own_facilities,
    own_link,
    own_links,
    resolve_merged,
    review_queue,
    search_facilities,
)
from covenant.registry.signals import claim_verified, facilities_changed, facility_merged

if TYPE_CHECKING:
    from covenant.matching import Matcher

__all__ = [
    "ChainColumn",
    "ChainFilter",
    "ChainProvider",
    "ChainSite",
    "Facility",
    "FacilityStatus",
    "SupplyLink",
    "active_links",
    "beyond_tier_one",
    "chain_pairs_in",
    "chain_site_ids",
    "chain_sites_in",
    "claim_verified",
    "confirmed_facilities",
    "facilities_changed",
    "facility_by_public_id",
    "facility_merged",
    "file_error_text",
    "get_facility",
    "linked_site_ids",
    "matcher",
    "member_links",
    "own_facilities",
    "own_link",
    "own_links",
    "register_chain_provider",
    "resolve_merged",
    "review_queue",
    "search_facilities",
]


def active_links(on: date | None = None) -> SupplyLinkQuerySet:
    """Every member's links active ``on`` a day (today if not given). Not scoped: for
    joins, counts and system work; never show one member's links to another."""
    return SupplyLink.objects.active(on)


def matcher() -> Matcher:
    """This process's matcher over the register, brought up to date with its changes."""
    # Imported on first use: the index is built (or loaded) only by processes that match.
    from covenant.registry import matchindex

    return matchindex.get_matcher()
