from __future__ import annotations

from typing import Any

from allauth.account.adapter import get_adapter as get_account_adapter
from allauth.account.stages import LoginStageController
from allauth.core import context
from allauth.mfa.base.forms import AuthenticateForm, ReauthenticateForm
from allauth.mfa.stages import AuthenticateStage
from django import forms
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from covenant.accounts import lockout


class TokenForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100, help_text=_("What will use it, e.g. 'ERP export'."))
    read_only = forms.BooleanField(label=_("Read only"), required=False, initial=True)
    expires_at = forms.DateField(label=_("Expires on"), required=False, widget=forms.DateInput(attrs={"type": "date"}))


class _ThrottledCodeMixin:
    """Two-factor codes are rationed: none is checked while axes locks the person
    out, and each person gets ``LOGIN_CODE_FAILURE_LIMIT`` tries per cool-off time.
    Wrong codes are reported to axes by ``lockout.wrong_code_is_a_failed_login``."""

    user: Any

    def clean_code(self) -> str:
        request: HttpRequest = context.request
        if lockout.is_locked_out(request, self.user) or not lockout.consume_code_attempt(request, self.user):
            self.give_up(request)
            raise get_account_adapter().validation_error("too_many_login_attempts")
        try:
            code: str = super().clean_code()  # type: ignore[misc]
        except forms.ValidationError:
            if lockout.code_attempts_used(self.user) < lockout.code_limit():
                raise
            # That was the last try: say so, rather than invite another.
            self.give_up(request)
            raise get_account_adapter().validation_error("too_many_login_attempts") from None
        lockout.clear_code_attempts(self.user)
        return code

    def give_up(self, request: HttpRequest) -> None:
        """What happens when the codes run out."""


class MFAAuthenticateForm(_ThrottledCodeMixin, AuthenticateForm):  # type: ignore[misc]
    def give_up(self, request: HttpRequest) -> None:
        # End the pending sign-in: whoever continues must give the password again,
        # which axes checks (and refuses while the lock-out lasts).
        stage = LoginStageController.enter(request, AuthenticateStage.key)
        if stage is not None:
            stage.abort()


class MFAReauthenticateForm(_ThrottledCodeMixin, ReauthenticateForm):  # type: ignore[misc]
    """Confirming a code again before a sensitive change, while signed in: refused the same way."""
