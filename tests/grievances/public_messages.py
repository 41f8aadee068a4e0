"""The msgids a worker can meet on the public side of the grievance mechanism, derived from the
code itself (not from the catalogues' ``#:`` comments, which only ``makemessages`` refreshes):

- every ``{% translate %}`` and ``{% blocktranslate %}`` of the public templates;
- every gettext call of the modules that answer workers directly (web intake, SMS/WhatsApp
  dialogue, photo checks, and the voice channel once it exists);
- the errors the reporter-facing services raise (their ``ValidationError``s are shown as they are);
- the labels of the choices the public pages show (topics, stages, outcome, satisfaction, remedies,
  what member companies committed to and how far they got).
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

from django.db.models import Choices
from django.template import Context
from django.template.loader import get_template
from django.templatetags.i18n import BlockTranslateNode, TranslateNode

import covenant.grievances
from covenant.grievances import models

Message = tuple[str | None, str]  # (msgctxt, msgid)

APP = Path(covenant.grievances.__file__).resolve().parent
PUBLIC_TEMPLATES = "grievances/public"
PUBLIC_MODULES = ("public.py", "dialogue.py", "files.py", "voice.py")
# The services a reporter's request reaches; what they raise (but PermissionDenied) is shown to the reporter.
REPORTER_SERVICES = (
    "_validate_text",
    "_clean_photos",
    "submit",
    "open_case",
    "reporter_reply",
    "reporter_satisfaction",
)
PUBLIC_CHOICES: tuple[type[Choices], ...] = (
    models.Topic,
    models.Stage,
    models.Outcome,
    models.Satisfaction,
    models.RemedyType,
    models.MemberEntryKind,
    models.CommitmentStatus,
)
GETTEXT = {"_", "gettext", "gettext_lazy", "pgettext", "pgettext_lazy", "ngettext", "npgettext"}


def _literal(expression: object) -> str | None:
    return None if expression is None else str(expression.resolve(Context()))  # type: ignore[attr-defined]


def template_messages() -> Iterator[Message]:
    for path in sorted((APP / "templates" / PUBLIC_TEMPLATES).glob("*.html")):
        nodelist = get_template(f"{PUBLIC_TEMPLATES}/{path.name}").template.nodelist  # type: ignore[attr-defined]
        for node in nodelist.get_nodes_by_type(TranslateNode):
            var = node.filter_expression.var
            if getattr(var, "literal", None) is not None and not node.noop:
                yield _literal(node.message_context), str(var.literal)
        for node in nodelist.get_nodes_by_type(BlockTranslateNode):
            msgid, _vars = node.render_token_list(node.singular)
            yield _literal(node.message_context), msgid
            if node.plural:
                yield _literal(node.message_context), node.render_token_list(node.plural)[0]


def _calls(tree: ast.AST) -> Iterator[Message]:
    hidden: set[int] = set()  # PermissionDenied never reaches the reporter: the view answers 403/404
    for node in ast.walk(tree):
        if isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call):
            func = node.exc.func
            if isinstance(func, ast.Name) and func.id == "PermissionDenied":
                hidden.update(id(n) for n in ast.walk(node.exc))
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call) or id(node) in hidden:
            continue
        name = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", "")
        if name not in GETTEXT:
            continue
        args = [a.value if isinstance(a, ast.Constant) and isinstance(a.value, str) else None for a in node.args]
        if name.startswith(("pgettext", "npgettext")) and len(args) >= 2 and args[0] and args[1]:
            yield args[0], args[1]
            if name == "npgettext" and len(args) >= 3 and args[2]:
                yield args[0], args[2]
        elif args and args[0]:
            yield None, args[0]
            if name == "ngettext" and len(args) >= 2 and args[1]:
                yield None, args[1]


def python_messages() -> Iterator[Message]:
    for module in PUBLIC_MODULES:
        if (APP / module).exists():
            yield from _calls(ast.parse((APP / module).read_text()))
    services = ast.parse((APP / "services.py").read_text())
    for node in services.body:
        if isinstance(node, ast.FunctionDef) and node.name in REPORTER_SERVICES:
            yield from _calls(node)


def choice_messages() -> Iterator[Message]:
    for choices in PUBLIC_CHOICES:
        for label in choices.labels:
            # A lazy label keeps its msgid (and context) as its arguments; reading them avoids any
            # active language.
            args = getattr(label, "_args", (label,))
            yield (str(args[0]), str(args[1])) if len(args) == 2 else (None, str(args[0]))


def public_messages() -> set[Message]:
    return {*template_messages(), *python_messages(), *choice_messages()}
