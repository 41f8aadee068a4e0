from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from covenant.core.forms import CountryInput
from covenant.orgs.models import ROLES_BY_KIND, ApscaFirmStatus, CompanySize, Organisation, OrgKind, Role


def role_choices(kind: str) -> list[tuple[str, str]]:
    labels = dict(Role.choices)
    return [(role, str(labels[role])) for role in ROLES_BY_KIND[kind]]


class InviteForm(forms.Form):
    email = forms.EmailField(label=_("E-mail address"))
    role = forms.ChoiceField(label=_("Role"))

    def __init__(self, *args: Any, org_kind: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = role_choices(org_kind)  # type: ignore[attr-defined]


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"))

    def __init__(self, *args: Any, org_kind: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = role_choices(org_kind)  # type: ignore[attr-defined]


class OrganisationProfileForm(forms.ModelForm):  # type: ignore[type-arg]
    website = forms.URLField(label=_("Website"), required=False, assume_scheme="https")
    country = CountryInput(label=_("Country"), required=False, help_text=_("Its name or its two-letter code."))

    class Meta:
        model = Organisation
        fields = ["name", "country", "city", "website", "description"]


class NewOrganisationForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=[c for c in OrgKind.choices if c[0] != OrgKind.SECRETARIAT])
    size = forms.ChoiceField(
        label=_("Size (member companies)"), choices=[("", "—"), *CompanySize.choices], required=False
    )
    country = CountryInput(label=_("Country"), required=False, help_text=_("Its name or its two-letter code."))
    admin_email = forms.EmailField(
        label=_("E-mail of its first administrator"),
        required=False,
        help_text=_("They receive an invitation to join as administrator."),
    )


class ApscaStatusForm(forms.Form):
    """The secretariat records an audit firm's APSCA membership (from APSCA's member list)."""

    apsca_status = forms.ChoiceField(
        label=_("APSCA firm status"), choices=[("", _("Not recorded")), *ApscaFirmStatus.choices], required=False
    )


class BranchAssociationsForm(forms.Form):
    """The secretariat records which branch associations a member company belongs to."""

    branch_associations = forms.ModelMultipleChoiceField(
        label=_("Branch associations"),
        queryset=Organisation.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["branch_associations"]
        field.queryset = Organisation.objects.filter(kind=OrgKind.BRANCH_ASSOCIATION, is_active=True).order_by("name")  # type: ignore[attr-defined]


class AcceptInvitationForm(forms.Form):
    full_name = forms.CharField(label=_("Your name"), max_length=150)
    password = forms.CharField(
        label=_("Choose a password"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("At least 12 characters; not a common password."),
    )
