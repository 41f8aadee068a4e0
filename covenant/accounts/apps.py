from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from covenant.core import navigation
from covenant.core.navigation import NavItem


class AccountsConfig(AppConfig):
    name = "covenant.accounts"
    label = "accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        from allauth.mfa.signals import authentication_failed

        from covenant.accounts.lockout import wrong_code_is_a_failed_login

        authentication_failed.connect(
            wrong_code_is_a_failed_login, dispatch_uid="covenant.wrong_code_is_a_failed_login"
        )
        navigation.register(NavItem(_("API tokens"), "accounts:tokens", position=30, place="account"))
