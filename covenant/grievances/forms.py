"""Forms for the handlers' actions on a case, the operator intake and members' participation.

Forms check the shape of the input (choices, numbers, required text, length); the services
keep the rules (the stage flow, who may be assigned, keys, the mechanism being open), so the
API and the tasks get the same answers. Labels reuse the pages' wording.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from covenant.core.actors import Actor
from covenant.grievances import public, remediation, selectors, services
from covenant.grievances.models import (
    Case,
    Channel,
    CommitmentStatus,
    ContributionType,
    Mechanism,
    MemberEntryKind,
    Outcome,
    RemedyType,
    Stage,
    Topic,
    Verification,
)
from covenant.orgs.models import Organisation
from covenant.registry.interface import Facility, facility_by_public_id, get_facility


class CaseText(forms.CharField):
    """Free text that ends up encrypted in the case: trimmed, and no longer than the mechanism takes."""

    widget = forms.Textarea

    def validate(self, value: Any) -> None:
        super().validate(value)
        # Read at validation time, not import time, so the limit follows the settings in force.
        if value and len(value) > int(settings.GRIEVANCE_TEXT_MAX_CHARS):
            raise ValidationError(_("The text is too long. Please make it shorter."), code="max_length")


class AmountField(forms.DecimalField):
    """An amount as people type it: a decimal comma is as good as a point."""

    def to_python(self, value: Any) -> Decimal | None:  # type: ignore[override]
        if isinstance(value, str):
            value = value.strip().replace(",", ".")
        return super().to_python(value)  # type: ignore[no-any-return]


_WHOLE_PEOPLE = {"invalid": _("Give numbers of people as whole numbers.")}


class AcknowledgeForm(forms.Form):
    """Nothing to fill in: the button says it all."""


class MoveForm(forms.Form):
    stage = forms.ChoiceField(label=_("Stage"), choices=Stage.choices)
    # Needed only to close a case as not admissible; the service asks for it then.
    reason = CaseText(label=_("Reason it is not admissible"), required=False)


class NoteForm(forms.Form):
    text = CaseText(label=_("Note"))


class MessageForm(forms.Form):
    text = CaseText(label=_("Message"))


class AssignForm(forms.Form):
    handlers = forms.TypedMultipleChoiceField(label=_("Assigned to"), coerce=int, required=False)

    def __init__(self, *args: Any, case: Case, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["handlers"].choices = [  # type: ignore[attr-defined]
            (user.pk, user.get_full_name() or user.email) for user in selectors.handlers_of(case)
        ]


class RetaliationForm(forms.Form):
    at_risk = forms.BooleanField(label=_("The complainant is at risk of retaliation"), required=False)
    measures = CaseText(label=_("Protective measures"), required=False)


class RemedyForm(forms.Form):
    type = forms.ChoiceField(label=_("Type"), choices=RemedyType.choices)
    amount = AmountField(
        label=_("Amount (back pay, compensation)"),
        required=False,
        min_value=0,
        max_digits=14,
        decimal_places=2,
        error_messages={"invalid": _("Give the amount as a number.")},
    )
    currency = forms.CharField(label=_("Currency"), max_length=3, required=False)
    female = forms.IntegerField(label=_("Women"), min_value=0, required=False, error_messages=_WHOLE_PEOPLE)
    male = forms.IntegerField(label=_("Men"), min_value=0, required=False, error_messages=_WHOLE_PEOPLE)
    other = forms.IntegerField(label=_("Other"), min_value=0, required=False, error_messages=_WHOLE_PEOPLE)
    implemented = forms.BooleanField(label=_("Implemented"), required=False)
    description = CaseText(label=_("Description"), required=False)

    def remedy_input(self) -> services.RemedyInput:
        data = self.cleaned_data
        return services.RemedyInput(
            type=data["type"],
            amount=data["amount"],
            currency=data["currency"],
            # A blank count stays blank (None: "not recorded"), never 0.
            female=data["female"],
            male=data["male"],
            other=data["other"],
            implemented=data["implemented"],
            description=data["description"],
        )


class LinkForm(forms.Form):
    """Link the case to a register site (or re-route it): the site's id, as the search offers it."""

    site = forms.CharField(label=_("Site id"), max_length=40)
    reason = CaseText(label=_("Reason (an internal note)"))

    def __init__(self, *args: Any, actor: Actor, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.actor = actor
        self.facility: Facility | None = None

    def clean_site(self) -> str:
        site: str = self.cleaned_data["site"].strip()
        try:
            # The register as the handler may see it: merged ids follow their survivor.
            self.facility = get_facility(self.actor, site)
        except Http404 as exc:
            unknown = _("We do not know this site id. Check it, or write the name of the workplace.")
            raise ValidationError(unknown) from exc
        return site

    def site_facility(self) -> Facility:
        assert self.facility is not None  # set by clean_site on a valid form
        return self.facility


class UrgentForm(forms.Form):
    urgent = forms.BooleanField(label=_("Urgent"), required=False)
    reason = CaseText(label=_("Reason (an internal note)"))


class CloseForm(forms.Form):
    """Closing: an outcome, a message to the reporter, and a preview to confirm first."""

    outcome = forms.ChoiceField(label=_("Outcome"), choices=Outcome.choices)
    message = CaseText(label=_("Message to the reporter"))
    # Needed only to close a case as not admissible; the service asks for it then.
    reason = CaseText(label=_("Reason it is not admissible"), required=False)
    confirm = forms.BooleanField(required=False, widget=forms.HiddenInput)


class GrantForm(forms.Form):
    org = forms.ModelChoiceField(
        label=_("Member"),
        queryset=Organisation.objects.none(),
        error_messages={"invalid_choice": _("This organisation did not receive the case.")},
    )

    def __init__(self, *args: Any, case: Case, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Only the members the case was routed to: handlers hold the key already.
        self.fields["org"].queryset = Organisation.objects.filter(  # type: ignore[attr-defined]
            grievance_recipients__case=case, grievance_recipients__handler=False, grievance_recipients__supplier=False
        )


class ParticipationForm(forms.Form):
    takes_part = forms.BooleanField(required=False)


class OperatorIntakeForm(forms.Form):
    """What a hotline operator enters for a caller (no photos: they come by phone)."""

    language = forms.ChoiceField(label=_("Language of the caller"), initial="en")
    site_id = forms.CharField(label=_("Site id"), required=False)
    workplace = forms.CharField(label=_("Or the workplace as the caller names it"), required=False)
    topics = forms.MultipleChoiceField(label=_("Topics"), choices=Topic.choices, required=False)
    what = CaseText(label=_("What happened"))
    contact = forms.CharField(label=_("Contact details (only if the caller wants to be contacted)"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["language"].choices = public.intake_languages()  # type: ignore[attr-defined]
        self.facility: Facility | None = None

    def clean_site_id(self) -> str:
        site_id: str = self.cleaned_data["site_id"]
        if site_id:
            self.facility = facility_by_public_id(site_id)
            if self.facility is None:
                raise ValidationError(_("We do not know this site id. Check it, or write the name of the workplace."))
        return site_id

    def intake(self, mechanism: Mechanism) -> services.Intake:
        data = self.cleaned_data
        return services.Intake(
            mechanism=mechanism,
            channel=Channel.OPERATOR,
            language=data["language"],
            what=data["what"],
            topics=data["topics"],
            facility=self.facility,
            workplace=data["workplace"],
            contact=data["contact"],
        )


def _translation_languages() -> list[tuple[str, str]]:
    return list(dict([*settings.GRIEVANCE_LANGUAGES, *settings.LANGUAGES]).items())


class TranslationForm(forms.Form):
    """A translation of the report (entry 0) or of the entry with that number."""

    entry = forms.IntegerField(label=_("Translation of"), min_value=0, max_value=2**31 - 1)
    language = forms.ChoiceField(label=_("Language"), choices=_translation_languages)
    text = CaseText(label=_("Translation"))


# --- Remedy with the supplier and the members (remediation.py) -------------------------------------


class ShareSupplierForm(forms.Form):
    """Nothing to fill in: the site's supplier is the one with a verified claim."""


class ActionForm(forms.Form):
    text = CaseText(label=_("What the site must do"))
    due_on = forms.DateField(label=_("Due date"), required=False)


class EvidenceForm(forms.Form):
    note = CaseText(label=_("What was done, and how it can be checked"))


class VerifyForm(forms.Form):
    method = forms.ChoiceField(label=_("Verified by"), choices=Verification.choices)
    note = CaseText(label=_("Note (for the handlers)"), required=False)


class MemberEntryForm(forms.Form):
    kind = forms.ChoiceField(label=_("Entry"), choices=MemberEntryKind.choices)
    text = CaseText(label=_("Text"))
    owner = forms.CharField(label=_("Owner (commitments)"), max_length=200, required=False)
    due_on = forms.DateField(label=_("Due date (commitments)"), required=False)
    contribution_type = forms.ChoiceField(
        label=_("Contribution"), choices=[("", "—"), *ContributionType.choices], required=False
    )
    amount = AmountField(
        label=_("Amount"),
        required=False,
        min_value=0,
        max_digits=14,
        decimal_places=2,
        error_messages={"invalid": _("Give the amount as a number.")},
    )
    currency = forms.CharField(label=_("Currency"), max_length=3, required=False)

    def entry_input(self) -> remediation.EntryInput:
        data = self.cleaned_data
        return remediation.EntryInput(
            kind=data["kind"],
            text=data["text"],
            owner=data["owner"],
            due_on=data["due_on"],
            contribution_type=data["contribution_type"],
            amount=data["amount"],
            currency=data["currency"],
        )


class CommitmentStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=CommitmentStatus.choices)


class ShowToReporterForm(forms.Form):
    shown = forms.BooleanField(label=_("Show to the reporter"), required=False)
