"""Forms of the action-plan pages. They only parse; the rules live in services."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from covenant.core.forms import CountryInput
from covenant.plans.models import ActionKind, ActionStatus, Decision, ExitStatus, PlanScope, RiskStatus
from covenant.risk.models import Topic

DATE = forms.DateInput(attrs={"type": "date"})
YES_NO = [("", _("Not answered")), ("yes", _("Yes")), ("no", _("No"))]


def _yes_no(value: str) -> bool | None:
    return {"yes": True, "no": False}.get(value)


class AddRiskForm(forms.Form):
    topic = forms.ChoiceField(label=_("Topic"))
    scope = forms.ChoiceField(label=_("Scope"), choices=PlanScope.choices)
    site = forms.CharField(label=_("Site (facility id)"), max_length=15, required=False)
    country = CountryInput(label=_("Country"), required=False)
    commodity = forms.CharField(label=_("Commodity"), max_length=100, required=False)
    why = forms.CharField(label=_("Why it is a priority"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3}))
    rank = forms.IntegerField(label=_("Priority"), min_value=1, max_value=999, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["topic"]).choices = [(t.code, t.label) for t in Topic.objects.all()]


class RiskForm(forms.Form):
    rank = forms.IntegerField(label=_("Priority"), min_value=1, max_value=999)
    why = forms.CharField(label=_("Why it is a priority"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3}))
    status = forms.ChoiceField(label=_("Status"), choices=RiskStatus.choices)


class ActionForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=ActionKind.choices)
    joint_action = forms.TypedChoiceField(label=_("Joint action"), required=False, coerce=int, empty_value=None)
    description = forms.CharField(label=_("Action"), max_length=4000, widget=forms.Textarea(attrs={"rows": 2}))
    target = forms.CharField(label=_("Target"), max_length=300, required=False)
    target_value = forms.DecimalField(label=_("Target figure"), max_digits=14, decimal_places=2, required=False)
    target_unit = forms.CharField(label=_("Unit"), max_length=40, required=False)
    owner_user = forms.TypedChoiceField(label=_("Owner"), required=False, coerce=int, empty_value=None)
    owner_text = forms.CharField(label=_("Owner (if not a person here)"), max_length=200, required=False)
    due_on = forms.DateField(label=_("Deadline"), required=False, widget=DATE)
    status = forms.ChoiceField(label=_("Status"), choices=ActionStatus.choices, initial=ActionStatus.PLANNED)
    progress = forms.CharField(
        label=_("Progress notes"), max_length=4000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, joint_actions: Any = (), people: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Choices offered are the member's own; the service checks again (a forged id is refused there).
        cast(forms.ChoiceField, self.fields["joint_action"]).choices = [("", "—")] + [
            (j.pk, j.title) for j in joint_actions
        ]
        cast(forms.ChoiceField, self.fields["owner_user"]).choices = [("", "—")] + [
            (m.user_id, m.user.full_name or m.user.email) for m in people
        ]

    def service_fields(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["joint_action_id"] = data.pop("joint_action")
        data["owner_user_id"] = data.pop("owner_user")
        return data


class ExitForm(forms.Form):
    """A decision about a site: the trigger (a response of the member's, or a failed corrective
    action), the decision and its justification, and for suspending or leaving, the plan."""

    site = forms.CharField(label=_("Site (facility id)"), max_length=15, required=False)
    event_response = forms.TypedChoiceField(
        label=_("Risk event response"), required=False, coerce=int, empty_value=None
    )
    corrective_action = forms.TypedChoiceField(
        label=_("Failed corrective action"), required=False, coerce=int, empty_value=None
    )
    decision = forms.ChoiceField(label=_("Decision"), choices=Decision.choices)
    justification = forms.CharField(label=_("Justification"), max_length=8000, widget=forms.Textarea(attrs={"rows": 4}))
    decided_on = forms.DateField(label=_("Decided on"), required=False, widget=DATE)
    notice_given_on = forms.DateField(label=_("Notice given on"), required=False, widget=DATE)
    notice_days = forms.IntegerField(label=_("Notice period (days)"), min_value=0, max_value=3650, required=False)
    notice_not_possible = forms.CharField(
        label=_("Why no notice can be given"), max_length=4000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    wages_secured = forms.ChoiceField(label=_("Wages and severance secured"), choices=YES_NO, required=False)
    wages_note = forms.CharField(
        label=_("How wages and severance are secured"),
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    wages_not_possible = forms.CharField(
        label=_("Why wages and severance cannot be secured"),
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    consulted = forms.ChoiceField(label=_("Union or worker representatives consulted"), choices=YES_NO, required=False)
    consulted_with = forms.CharField(label=_("Consulted with"), max_length=300, required=False)
    consultation_not_possible = forms.CharField(
        label=_("Why no consultation is possible"),
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    remedy_considered = forms.ChoiceField(
        label=_("Remedy for affected workers considered"), choices=YES_NO, required=False
    )
    remedy_note = forms.CharField(
        label=_("Remedy"), max_length=4000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    timeline = forms.CharField(
        label=_("Timeline"), max_length=4000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    confirm = forms.BooleanField(label=_("I have read what this means and confirm the decision"), required=False)

    def __init__(self, *args: Any, responses: Any = (), actions: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["event_response"]).choices = [("", "—")] + [
            (r.pk, f"{r.event.title} · {r.facility.name} ({r.get_status_display()})") for r in responses
        ]
        cast(forms.ChoiceField, self.fields["corrective_action"]).choices = [("", "—")] + [
            (a.pk, f"{a.audit.facility.name} · {a.finding} · {a.due_date or ''}") for a in actions
        ]

    def plan(self) -> dict[str, Any]:
        d = self.cleaned_data
        return {
            "notice_given_on": d.get("notice_given_on"),
            "notice_days": d.get("notice_days"),
            "notice_not_possible": d.get("notice_not_possible", ""),
            "wages_secured": _yes_no(d.get("wages_secured", "")),
            "wages_note": d.get("wages_note", ""),
            "wages_not_possible": d.get("wages_not_possible", ""),
            "consulted": _yes_no(d.get("consulted", "")),
            "consulted_with": d.get("consulted_with", ""),
            "consultation_not_possible": d.get("consultation_not_possible", ""),
            "remedy_considered": _yes_no(d.get("remedy_considered", "")),
            "remedy_note": d.get("remedy_note", ""),
            "timeline": d.get("timeline", ""),
        }


class ExitStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=ExitStatus.choices)
    timeline = forms.CharField(
        label=_("Timeline"), max_length=4000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
