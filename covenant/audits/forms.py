"""Forms of the audit pages. They only parse; the rules live in services and rules."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from covenant.audits.models import Announcement, AuditType, SchemeVersion, Verification
from covenant.audits.services import AuditorInput, FindingInput


class AuditForm(forms.Form):
    facility = forms.CharField(label=_("Site (facility id)"), max_length=15)
    scheme_version = forms.ModelChoiceField(
        label=_("Scheme"), queryset=SchemeVersion.objects.filter(is_active=True).select_related("scheme")
    )
    audit_type = forms.ChoiceField(label=_("Type"), choices=AuditType.choices)
    announcement = forms.ChoiceField(label=_("Announcement"), choices=Announcement.choices)
    start_date = forms.DateField(label=_("First day on site"), widget=forms.DateInput(attrs={"type": "date"}))
    end_date = forms.DateField(label=_("Last day on site"), widget=forms.DateInput(attrs={"type": "date"}))
    audit_firm_name = forms.CharField(label=_("Audit firm"), max_length=200)
    workers_female = forms.IntegerField(label=_("Women on site"), required=False, min_value=0)
    workers_male = forms.IntegerField(label=_("Men on site"), required=False, min_value=0)
    workers_other = forms.IntegerField(label=_("Other workers on site"), required=False, min_value=0)
    rating = forms.CharField(label=_("Rating (if the scheme has one)"), max_length=10, required=False)
    auditors = forms.CharField(
        label=_("Auditors"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One per line: name | APSCA number | level. The first is the lead auditor."),
    )
    findings = forms.CharField(
        label=_("Findings"),
        widget=forms.Textarea(attrs={"rows": 5}),
        required=False,
        help_text=_("One per line: section | grade | description | code or local law. Or import a file later."),
    )
    report = forms.FileField(label=_("Report (PDF)"), required=False)
    draft = forms.BooleanField(
        label=_("Keep as a draft (audit firms): submit it later; once submitted it is locked"), required=False
    )

    def auditor_inputs(self) -> list[AuditorInput]:
        return auditor_lines(self.cleaned_data["auditors"])

    def finding_inputs(self) -> list[FindingInput]:
        rows = []
        for line in self.cleaned_data.get("findings", "").splitlines():
            if not line.strip():
                continue
            parts = [p.strip() for p in line.split("|")] + ["", "", ""]
            rows.append(FindingInput(section=parts[0], grade=parts[1], description=parts[2], legal_reference=parts[3]))
        return rows


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
    reason = reason_field()


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
        help_text=_("One per line: code | name | risk topic code (optional)."),
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
    }
