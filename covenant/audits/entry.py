"""The moving parts of the *Enter an audit* page (``views.create``), kept out of the view so it
stays thin: the site picker, the findings rows (and a findings file), and the report that
survives a form coming back with an error.

Every part works without JavaScript: the site search is a GET form whose answer lists the
sites as radio buttons; "Add a row" and "Show this scheme's sections and grades" are submit
buttons that re-render the page with what was typed. With htmx the same requests refresh only
the part that changes (``_site_choices.html``, the ``#findings`` block).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, QueryDict
from django.urls import reverse
from django.utils.translation import gettext as _

from covenant.audits import selectors, services, staging
from covenant.audits.forms import FINDING_ROWS, PLACED_FIELDS, AuditForm, FindingRowForm, FindingRowFormSet
from covenant.audits.models import SchemeVersion
from covenant.core.actors import Actor
from covenant.registry import interface as registry
from covenant.registry.interface import Facility

PREFIX = "findings"
ROW_FIELDS = tuple(FindingRowForm.base_fields)


def upload(request: HttpRequest, name: str) -> tuple[str, bytes] | None:
    uploaded = request.FILES.get(name)
    if uploaded is None:
        return None
    # One byte over the limit is enough for the service to refuse it; never hold a huge upload in memory.
    return uploaded.name or "upload", uploaded.read(services.max_report_bytes() + 1)


def visible_site(actor: Actor, public_id: str) -> Facility | None:
    """The site a posted id names, as the actor may see it (None for an unknown or hidden one)."""
    public_id = public_id.strip()
    if not public_id or len(public_id) > 15:
        return None
    try:
        return registry.get_facility(actor, public_id)
    except Http404:
        return None


def site_choices(actor: Actor, q: str, chosen: Facility | None) -> list[Facility]:
    """The sites matching ``q`` the actor may audit, without the one already chosen."""
    return [s for s in selectors.auditable_sites(actor, q) if chosen is None or s.pk != chosen.pk]


def _version(value: str | None) -> SchemeVersion | None:
    if not value or not str(value).isdigit():
        return None
    return selectors.scheme_versions().filter(pk=int(value)).first()


def _posted_rows(post: QueryDict) -> list[dict[str, str]]:
    """The rows as typed, unchecked (to show them again with one more row or another scheme)."""
    try:
        total = min(max(int(post.get(f"{PREFIX}-TOTAL_FORMS", "0")), 0), 500)
    except ValueError:
        total = 0
    return [{f: post.get(f"{PREFIX}-{i}-{f}", "") for f in ROW_FIELDS} for i in range(total)]


def _initial(post: QueryDict) -> dict[str, Any]:
    """The posted values as a form's initial values: shown again, but not judged yet."""
    return {k: (v if len(v) > 1 else v[0]) for k, v in post.lists() if not k.startswith(f"{PREFIX}-")}


class Entry:
    """One request to the entry page: what it shows, and (for a save) what it hands the service."""

    def __init__(self, request: HttpRequest, actor: Actor) -> None:
        self.actor = actor
        post = request.POST if request.method == "POST" else None
        self.intent = "show"
        if post is not None:
            self.intent = "add_row" if "add_row" in post else "refresh" if "refresh" in post else "save"
        # An htmx refresh sends the file again, but the browser keeps it in the field: nothing to keep.
        self.partial = request.headers.get("HX-Request") == "true" and self.intent != "save"
        source = post if post is not None else request.GET
        self.site_q = request.GET.get("site_q", "").strip()[:200]
        self.chosen = visible_site(actor, source.get("facility" if post is not None else "site", ""))
        self.suggestions = site_choices(actor, self.site_q, self.chosen)
        self.version = _version(source.get("scheme_version"))
        self.report_errors: list[str] = []
        self.file_errors: list[str] = []
        self.note = ""
        self.findings: list[services.FindingInput] = []
        self.file_items: list[services.FindingInput] = []
        self.facility: Facility | None = None
        self.kept = staging.staged_report(actor, post.get("staged_report", "")) if post is not None else None
        self.upload = upload(request, "report") if post is not None and not self.partial else None
        if self.upload is not None:
            try:
                services.check_pdf(*self.upload)
            except ValidationError as exc:
                self.report_errors = exc.messages
                self.upload = None
        self.findings_file = upload(request, "findings_file") if self.intent == "save" else None
        kind = actor.kind or ""
        if post is not None and self.intent == "save":
            self.form = AuditForm(post, request.FILES, org_kind=kind)
            self.rows = FindingRowFormSet(post, prefix=PREFIX, version=self.version)
        else:
            initial = _initial(post) if post is not None else {"facility": self.chosen.public_id if self.chosen else ""}
            rows: list[dict[str, str]] = _posted_rows(post) if post is not None else []
            rows = rows or [{} for _i in range(FINDING_ROWS)]
            if self.intent == "add_row":
                rows.append({})
            self.form = AuditForm(initial=initial, org_kind=kind)
            self.rows = FindingRowFormSet(initial=rows, prefix=PREFIX, version=self.version)
        # Choosing another scheme brings its sections and grades into the rows.
        self.form.fields["scheme_version"].widget.attrs.update(
            {
                "hx-post": reverse("audits:create"),
                "hx-trigger": "change",
                "hx-target": "#findings",
                "hx-select": "#findings",
                "hx-swap": "outerHTML",
                "hx-vals": '{"refresh": "1"}',
            }
        )

    @property
    def saving(self) -> bool:
        return self.intent == "save"

    def is_valid(self) -> bool:
        """Everything the form can judge, every problem at once; the service judges the rest."""
        valid = self.form.is_valid()
        valid = self.rows.is_valid() and valid
        if self.report_errors:
            valid = False
        if self.findings_file is not None and self.version is not None:
            name, data = self.findings_file
            try:
                self.file_items = services.read_findings(self.version, filename=name, data=data)
            except ValidationError as exc:
                self.file_errors = exc.messages
                valid = False
        if valid:
            self.facility = self.chosen
            if self.facility is None:
                self.form.add_error("facility", _("There is no facility with that id."))
                return False
            self.findings = self.rows.finding_inputs() + self.file_items
        return valid

    @property
    def report(self) -> tuple[str, bytes] | None:
        """The report to attach: a new upload, else the one kept from the last try."""
        if self.upload is not None:
            return self.upload
        return (self.kept.name, self.kept.data) if self.kept is not None else None

    def saved(self) -> None:
        """The audit holds its own copy of the report now: the kept one goes."""
        if self.kept is not None:
            staging.discard(self.actor, self.kept.token)

    def came_back(self) -> None:
        """The form is shown again: keep what the browser will not send back (the report, the
        rows of a findings file already read)."""
        if self.upload is not None:
            if self.kept is not None:  # replaced by the new upload
                staging.discard(self.actor, self.kept.token)
            self.kept = staging.stage_report(self.actor, *self.upload)
        if self.file_items and self.rows.is_bound and self.rows.is_valid():
            typed = self.rows.finding_inputs() + self.file_items
            rows = [{f: getattr(item, f) for f in ROW_FIELDS} for item in typed]
            self.rows = FindingRowFormSet(initial=rows, prefix=PREFIX, version=self.version)
            self.note = _("The findings of %(file)s are now rows of the form: check them and save again.") % {
                "file": self.findings_file[0] if self.findings_file else ""
            }

    def context(self) -> dict[str, Any]:
        if self.intent != "show" and not self.partial:
            self.came_back()
        return {
            "form": self.form,
            "rows": self.rows,
            "placed": PLACED_FIELDS,
            "version": self.version,
            "versions": selectors.scheme_versions(),
            "site_q": self.site_q,
            "chosen": self.chosen,
            "suggestions": self.suggestions,
            "kept": self.kept,
            "report_errors": self.report_errors,
            "file_errors": self.file_errors,
            "note": self.note,
        }
