"""Columns, filters and sorts that apps above the register add to a member's supply chain.

The register sits below ``risk`` (``docs/ARCHITECTURE.md``): it may not ask risk for a
site's band. So an app registers a :class:`ChainProvider` here from its ``AppConfig.ready``
(as apps register menu entries with ``core.navigation``), and the supply chain page, its
CSV/XLSX export and ``GET /api/v1/supply-chain`` ask every registered provider for its
filters, sorts and columns. ``risk`` is the one provider today (``risk/apps.py``): band,
score, top topic, and with a topic that topic's score and band. The provider works on the
links queryset (annotate, filter, order), so a 20,000-site chain is filtered and sorted by
the database and the page reads 50 rows.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from django.db.models import QuerySet
from django.utils.functional import Promise

from covenant.core.actors import Actor
from covenant.registry.models import SupplyLink


@dataclass(frozen=True)
class ChainFilter:
    """One filter of the chain: a query parameter and its choices (value, label); "" is "any"."""

    name: str
    label: str | Promise
    choices: Callable[[], Sequence[tuple[str, Any]]]


@dataclass(frozen=True)
class ChainColumn:
    """One column: its export header and page label, and how to read it from an applied link."""

    key: str
    label: str | Promise
    # Each reads a link as the provider's apply() annotated it: what the page shows, and what
    # the CSV/XLSX and the API carry.
    cell: Callable[[Any], Any]
    export: Callable[[Any], Any]
    on_page: bool = True  # False: in downloads and the API only


class ChainProvider(Protocol):
    @property
    def filters(self) -> Sequence[ChainFilter]: ...

    @property
    def sorts(self) -> Sequence[tuple[str, str | Promise]]:
        """``(value, label)`` of the ``?sort=`` values this provider answers."""
        ...

    def apply(self, actor: Actor, links: QuerySet[SupplyLink], params: Mapping[str, str]) -> QuerySet[SupplyLink]:
        """The links annotated for :meth:`columns`, filtered and (for one of ``sorts``) ordered
        as ``params`` ask; values it does not know mean "any"."""
        ...

    def columns(self, params: Mapping[str, str]) -> Sequence[ChainColumn]: ...


_providers: list[ChainProvider] = []


def register_chain_provider(provider: ChainProvider) -> None:
    """Add a provider (from an ``AppConfig.ready``); registering the same one again is a no-op."""
    if provider not in _providers:
        _providers.append(provider)


def chain_providers() -> list[ChainProvider]:
    return list(_providers)


@dataclass(frozen=True)
class ChainView:
    """The chain as every provider shaped it for one request."""

    links: QuerySet[SupplyLink]
    params: dict[str, str]
    filters: list[tuple[ChainFilter, str]]  # each filter with its current value
    sorts: list[tuple[str, str | Promise]]
    columns: list[ChainColumn]

    @property
    def page_columns(self) -> list[ChainColumn]:
        return [c for c in self.columns if c.on_page]

    def cells(self, link: SupplyLink) -> list[Any]:
        return [c.cell(link) for c in self.page_columns]

    def export_values(self, link: SupplyLink) -> list[Any]:
        return [c.export(link) for c in self.columns]

    def export_dict(self, link: SupplyLink) -> dict[str, Any]:
        return {c.key: c.export(link) for c in self.columns}


def unknown_values(query: Mapping[str, Any]) -> list[str]:
    """``name=value`` of each given filter or sort value no provider offers (the API answers 422)."""
    providers = chain_providers()
    bad = []
    for f in (f for p in providers for f in p.filters):
        value = str(query.get(f.name) or "")
        if value and value not in {str(v) for v, _label in f.choices()}:
            bad.append(f"{f.name}={value}")
    sort = str(query.get("sort") or "")
    if sort and sort not in {v for p in providers for v, _label in p.sorts}:
        bad.append(f"sort={sort}")
    return bad


def chain_view(actor: Actor, links: QuerySet[SupplyLink], query: Mapping[str, Any]) -> ChainView:
    """Every provider's filters, sort and columns applied to ``links`` for these request parameters."""
    providers = chain_providers()
    names = {f.name for p in providers for f in p.filters} | {"sort"}
    params = {name: str(query.get(name) or "") for name in names}
    for provider in providers:
        links = provider.apply(actor, links, params)
    return ChainView(
        links=links,
        params=params,
        filters=[(f, params[f.name]) for p in providers for f in p.filters],
        sorts=[s for p in providers for s in p.sorts],
        columns=[c for p in providers for c in p.columns(params)],
    )
