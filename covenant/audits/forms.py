"""Forms of the audit pages. They only parse; the rules live in services and rules."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from covenant.audits.models import Announcement, AuditType, SchemeVersion, Verification
from covenant.audits.selectors import audit_firms, members
from covenant.audits.services import AuditorInput, FindingInput
from covenant.orgs.models import Organisation, OrgKind


class FirmChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    """An audit firm, shown with its APSCA status (a provisional one flagged, a suspended one refused on entry)."""

    def label_from_instance(self, obj: Any) -> str:
        if obj.apsca_status:
            return f"{obj.name} ({_('APSCA')}: {obj.get_apsca_status_display()})"
        return str(obj.name)


class AuditForm(forms.Form):
    # The site is picked from the register's search (``audits/_site_picker.html``, a GET form of
    # its own): ``facility`` is the chosen site's id, a radio button among the suggestions.
    facility = forms.CharField(
        label=_("Site"),
        max_length=15,
        error_messages={"required": _("Search for the site and choose it from the list.")},
    )
    scheme_version = forms.ModelChoiceField(
        label=_("Scheme"), queryset=SchemeVersion.objects.filter(is_active=True).select_related("scheme")
    )
    audit_type = forms.ChoiceField(label=_("Type"), choices=AuditType.choices)
    announcement = forms.ChoiceField(label=_("Announcement"), choices=Announcement.choices)
    start_date = forms.DateField(label=_("First day on site"), widget=forms.DateInput(attrs={"type": "date"}))
    end_date = forms.DateField(label=_("Last day on site"), widget=forms.DateInput(attrs={"type": "date"}))
    # Suppliers only (a self-reported audit): the firm is chosen from the audit-firm organisations.
    audit_firm = FirmChoiceField(label=_("Audit firm"), queryset=Organisation.objects.none(), required=False)
    # Audit firms only: for a site without a verified supplier, the member that commissioned the audit.
    commissioned_by = forms.ModelChoiceField(
        label=_("Commissioned by (member)"),
        queryset=Organisation.objects.none(),
        required=False,
        help_text=_(
            "Required for a site without a verified supplier: that member reads the audit, held for the "
            "site until its supplier's claim is verified."
        ),
    )
    workers_female = forms.IntegerField(label=_("Women on site"), required=False, min_value=0)
    workers_male = forms.IntegerField(label=_("Men on site"), required=False, min_value=0)
    workers_other = forms.IntegerField(label=_("Other workers on site"), required=False, min_value=0)
    rating = forms.CharField(label=_("Rating (if the scheme has one)"), max_length=10, required=False)
    auditors = forms.CharField(
        label=_("Auditors"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One per line: name | APSCA number | level. The first is the lead auditor."),
    )
    # The findings themselves are rows of FindingRowFormSet; a file adds more (same columns as
    # the audit page's import).
    findings_file = forms.FileField(
        label=_("Or add findings from a file (CSV or XLSX)"),
        required=False,
        help_text=_("Columns: section, grade, description, and optionally code or local law."),
    )
    report = forms.FileField(label=_("Report (PDF)"), required=False)
    draft = forms.BooleanField(
        label=_("Keep as a draft (audit firms): submit it later; once submitted it is locked"), required=False
    )

    def __init__(self, *args: Any, org_kind: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The supplier names the firm; a firm is the firm (and may name who commissioned it).
        if org_kind == OrgKind.SUPPLIER:
            del self.fields["commissioned_by"]
            self.fields["audit_firm"].required = True
            self.fields["audit_firm"].queryset = audit_firms()  # type: ignore[attr-defined]
        else:
            del self.fields["audit_firm"]
            self.fields["commissioned_by"].queryset = members()  # type: ignore[attr-defined]

    def auditor_inputs(self) -> list[AuditorInput]:
        return auditor_lines(self.cleaned_data["auditors"])


# Fields of AuditForm the entry page lays out itself (the site picker, the findings block).
PLACED_FIELDS = frozenset({"facility", "findings_file", "report"})


class FindingRowForm(forms.Form):
    """One finding of the entry form; section and grade offer the chosen scheme version's own.
    A row left empty is no finding."""

    section = forms.ChoiceField(label=_("Section"), required=False)
    grade = forms.ChoiceField(label=_("Grade"), required=False)
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    legal_reference = forms.CharField(label=_("Code or local law"), max_length=300, required=False)

    def __init__(self, *args: Any, version: SchemeVersion | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        blank = [("", "—")]
        sections = version.sections if version is not None else []
        grades = version.grades if version is not None else []
        self.fields["section"].choices = blank + [(s["code"], f"{s['code']} {s['name']}") for s in sections]  # type: ignore[attr-defined]
        self.fields["grade"].choices = blank + [(g["code"], g["name"]) for g in grades]  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if any(str(data.get(name) or "").strip() for name in self.fields):
            for name in ("section", "grade", "description"):
                if not str(data.get(name) or "").strip() and name not in self.errors:
                    self.add_error(name, _("Needed for a finding."))
        return data

    def finding_input(self) -> FindingInput | None:
        data = self.cleaned_data
        if not any(str(data.get(name) or "").strip() for name in self.fields):
            return None
        return FindingInput(
            section=data["section"],
            grade=data["grade"],
            description=data["description"].strip(),
            legal_reference=data["legal_reference"].strip(),
        )


class BaseFindingRowFormSet(forms.BaseFormSet):  # type: ignore[type-arg]
    def __init__(self, *args: Any, version: SchemeVersion | None = None, **kwargs: Any) -> None:
        self.version = version
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index: int | None) -> dict[str, Any]:
        return {**super().get_form_kwargs(index), "version": self.version}

    def finding_inputs(self) -> list[FindingInput]:
        return [item for form in self.forms if (item := form.finding_input()) is not None]


FINDING_ROWS = 3  # rows offered on a new entry; "Add a row" adds one
FindingRowFormSet = cast(
    "type[BaseFindingRowFormSet]",
    forms.formset_factory(
        FindingRowForm, formset=BaseFindingRowFormSet, extra=0, max_num=500, absolute_max=500, validate_max=True
    ),
)


def auditor_lines(text: str) -> list[AuditorInput]:
    """One auditor per line: name | APSCA number | level; the first is the lead auditor."""
    rows = []
    for index, line in enumerate(text.splitlines()):
        parts = [p.strip() for p in line.split("|")] + ["", ""]
        if parts[0]:
            rows.append(AuditorInput(name=parts[0], apsca_number=parts[1], level=parts[2], is_lead=index == 0))
    return rows


class FindingForm(forms.Form):
    section = forms.CharField(label=_("Section"), max_length=20)
    grade = forms.CharField(label=_("Grade"), max_length=30)
    description = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs={"rows": 3}))
    legal_reference = forms.CharField(label=_("Code or local law"), max_length=300, required=False)


REASON_HELP = _("The audit is submitted: your change makes a new version, and the one before stays readable.")


def reason_field(required: bool = False) -> forms.CharField:
    return forms.CharField(label=_("Reason for the change"), max_length=2000, required=required, help_text=REASON_HELP)


class FileForm(forms.Form):
    file = forms.FileField(label=_("File"))


class ReasonFileForm(FileForm):
    """A file for a firm's audit: on a submitted one, with the reason for the new version."""

    reason = reason_field()


class ReasonFindingForm(FindingForm):
    reason = reason_field()


class FindingEditForm(forms.Form):
    section = forms.CharField(label=_("Section"), max_length=20)
    grade = forms.CharField(label=_("Grade"), max_length=30)
    description = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs={"rows": 3}))
    legal_reference = forms.CharField(label=_("Code or local law"), max_length=300, required=False)
    reason = reason_field()


class RevisionForm(forms.Form):
    """The firm changes its audit's facts; a submitted audit gets a new version with the reason."""

    audit_type = forms.ChoiceField(label=_("Type"), choices=AuditType.choices)
    announcement = forms.ChoiceField(label=_("Announcement"), choices=Announcement.choices)
    start_date = forms.DateField(label=_("First day on site"), widget=forms.DateInput(attrs={"type": "date"}))
    end_date = forms.DateField(label=_("Last day on site"), widget=forms.DateInput(attrs={"type": "date"}))
    workers_female = forms.IntegerField(label=_("Women on site"), required=False, min_value=0)
    workers_male = forms.IntegerField(label=_("Men on site"), required=False, min_value=0)
    workers_other = forms.IntegerField(label=_("Other workers on site"), required=False, min_value=0)
    rating = forms.CharField(label=_("Rating (if the scheme has one)"), max_length=10, required=False)
    auditors = forms.CharField(
        label=_("Auditors"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One per line: name | APSCA number | level. The first is the lead auditor."),
    )
    remove_findings = forms.TypedMultipleChoiceField(
        label=_("Remove findings"),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Findings the audit should not have. Their corrective actions go with them; the version "
            "before keeps them as they stood."
        ),
    )
    reason = reason_field()

    def __init__(self, *args: Any, findings: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["remove_findings"]
        assert isinstance(field, forms.TypedMultipleChoiceField)
        field.choices = [(f.number, f"{f.number}. {f.section} {f.grade}: {f.description[:80]}") for f in findings]


class CommentForm(forms.Form):
    text = forms.CharField(label=_("Comment"), max_length=4000, widget=forms.Textarea(attrs={"rows": 2}))


class StopSharingForm(forms.Form):
    """Stopping a share ends a member's reading at once: the supplier says so explicitly."""

    confirm = forms.BooleanField(label=_("Yes, stop sharing this audit with this member."), required=True)


class ExtensionForm(forms.Form):
    due_date = forms.DateField(label=_("New deadline"), widget=forms.DateInput(attrs={"type": "date"}))
    reason = forms.CharField(
        label=_("Why the site needs more time"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )


class ExtensionDecisionForm(forms.Form):
    decision = forms.ChoiceField(label=_("Decision"), choices=[("approve", _("Approve")), ("refuse", _("Refuse"))])
    note = forms.CharField(label=_("Note"), max_length=500, required=False)


class EvidenceForm(forms.Form):
    file = forms.FileField(label=_("Evidence (PDF, PNG or JPEG)"))
    note = forms.CharField(label=_("Note"), max_length=500, required=False)


class ActionForm(forms.Form):
    action = forms.CharField(label=_("Action"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    responsible = forms.CharField(label=_("Owner"), max_length=200, required=False)
    due_date = forms.DateField(label=_("Due date"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    progress = forms.BooleanField(label=_("Progress made"), required=False)


class VerifyForm(forms.Form):
    method = forms.ChoiceField(label=_("Verified by"), choices=Verification.choices)
    note = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 2}), required=False)


class PolicyForm(forms.Form):
    versions = forms.ModelMultipleChoiceField(
        label=_("Accepted schemes"),
        queryset=SchemeVersion.objects.filter(is_active=True).select_related("scheme"),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    max_age_months = forms.IntegerField(label=_("Maximum age (months)"), min_value=1, max_value=120)
    require_qualified_auditor = forms.BooleanField(label=_("A qualified (APSCA) auditor is required"), required=False)
    accept_self_reported = forms.BooleanField(
        label=_("Self-reported audits count (audits a supplier entered itself, not an audit firm)"), required=False
    )
    min_overlap = forms.IntegerField(
        label=_("Minimum overlap with the reference protocol (%)"),
        min_value=0,
        max_value=100,
        required=False,
        help_text=_(
            "Scheme versions covering less of the sector's reference protocol do not count. "
            "Mutual recognition usually asks for 85 %. Empty: no minimum."
        ),
    )
    required_pillars = forms.MultipleChoiceField(
        label=_("Pillars required"),
        choices=[
            ("labour", _("Labour standards")),
            ("health_safety", _("Health and safety")),
            ("environment", _("Environment")),
            ("business_ethics", _("Business ethics")),
        ],
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )


class SchemeForm(forms.Form):
    scheme_code = forms.SlugField(label=_("Scheme code"), max_length=40)
    scheme_name = forms.CharField(label=_("Scheme name"), max_length=120)
    version = forms.CharField(label=_("Version"), max_length=40)
    label = forms.CharField(label=_("Label"), max_length=120)
    validity_months = forms.IntegerField(label=_("Valid for (months)"), min_value=1, max_value=120, initial=24)
    sections = forms.CharField(
        label=_("Sections"),
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_(
            "One per line: code | name | risk topic code (optional) | "
            "reference protocol clauses it covers (optional, e.g. FOA, HS)."
        ),
    )
    grades = forms.CharField(
        label=_("Grades"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "One per line: code | name | critical, major, minor or none | non-compliance yes/no | collaborative yes/no."
        ),
    )
    ratings = forms.CharField(
        label=_("Ratings"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=_(
            "Optional, one per line: code | lowest score | highest score | valid months | follow-up within months."
        ),
    )
    pillars = PolicyForm.base_fields["required_pillars"]


class RequestForm(forms.Form):
    facility = forms.CharField(label=_("Site (facility id)"), max_length=15)
    note = forms.CharField(label=_("Note"), max_length=500, required=False)
    estimated_cost = forms.DecimalField(label=_("Estimated cost (EUR)"), required=False, min_value=0, max_digits=10)


def initial_policy(policy: Any) -> dict[str, Any]:
    return {
        "versions": list(policy.accepted_versions.all()) if policy.pk else [],
        "max_age_months": policy.max_age_months,
        "require_qualified_auditor": policy.require_qualified_auditor,
        "required_pillars": policy.required_pillars,
        "accept_self_reported": policy.accept_self_reported,
        "min_overlap": policy.min_overlap,
    }


# --- Joint audits ---------------------------------------------------------------------------


def _share_field() -> forms.DecimalField:
    return forms.DecimalField(
        label=_("Your agreed share of the cost (%)"),
        required=False,
        min_value=0,
        max_value=100,
        max_digits=5,
        decimal_places=2,
        help_text=_("Empty: an equal share of what the agreed shares leave."),
    )


class JointOpenForm(forms.Form):
    facility = forms.CharField(label=_("Site (facility id)"), max_length=15)
    scheme_version = forms.ModelChoiceField(
        label=_("Scheme wanted"),
        queryset=SchemeVersion.objects.filter(is_active=True).select_related("scheme"),
        required=False,
    )
    target_date = forms.DateField(label=_("Wanted by"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    estimated_cost = forms.DecimalField(label=_("Estimated cost (EUR)"), required=False, min_value=0, max_digits=10)
    note = forms.CharField(
        label=_("Note"),
        max_length=500,
        required=False,
        help_text=_("Read by the co-funders, the audit firm they choose and the site's supplier."),
    )
    cost_share_percent = _share_field()


class JointJoinForm(forms.Form):
    cost_share_percent = _share_field()


class JointPlanForm(forms.Form):
    audit_firm = forms.ModelChoiceField(label=_("Audit firm"), queryset=Organisation.objects.none(), required=False)
    scheme_version = JointOpenForm.base_fields["scheme_version"]
    target_date = JointOpenForm.base_fields["target_date"]
    estimated_cost = JointOpenForm.base_fields["estimated_cost"]
    note = JointOpenForm.base_fields["note"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["audit_firm"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = audit_firms()


class JointLinkForm(forms.Form):
    audit = forms.UUIDField(label=_("Audit id"))
