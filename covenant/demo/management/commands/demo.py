"""covenant demo: migrate, seed the demo sector, and serve it with a worker beside it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from types import FrameType
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

from covenant.demo.data import DEMO_PASSWORD, DEMO_TOTP_CODE
from covenant.demo.seed import SeedResult, seed


class Command(BaseCommand):
    help = "Set up the demo sector (idempotent) and serve it on http://127.0.0.1:8000 with a background worker."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--addr", default="127.0.0.1:8000", help="Address and port to serve on.")
        parser.add_argument("--seed", type=int, default=2026, help="Seed of the fictional sector.")
        parser.add_argument("--sites", type=int, default=2000, help="Number of supplier sites.")
        parser.add_argument("--no-serve", action="store_true", help="Seed and print the logins, then stop.")

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.PRODUCTION:
            raise CommandError("The demo is not for production: unset COVENANT_ENV=production.")
        call_command("migrate", interactive=False, verbosity=0)
        self.stdout.write("Database ready.")
        result = seed(options["seed"], options["sites"], log=self.stdout.write)
        self._print_logins(result, options["addr"])
        if options["no_serve"]:
            return
        self._serve(options["addr"])

    def _print_logins(self, result: SeedResult, addr: str) -> None:
        url = f"http://{addr}/"
        width = max(len(login.role) for login in result.logins)
        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS(f"Covenant demo: {url}"))
        self.stdout.write(f"Sign in with any of these; the password is {DEMO_PASSWORD}")
        for login in result.logins:
            note = f"  ({login.note})" if login.note else ""
            self.stdout.write(f"  {login.role.ljust(width)}  {login.email}  {login.org}{note}")
        self.stdout.write(
            f"Secretariat accounts use two-factor sign-in; in this demo the code {DEMO_TOTP_CODE} is accepted."
        )
        self.stdout.write("")

    def _serve(self, addr: str) -> None:
        # The bypass code is only accepted by allauth when DEBUG is on, and only
        # these two child processes get it.
        env = {**os.environ, "COVENANT_DEMO_TOTP_CODE": DEMO_TOTP_CODE}
        command = [sys.executable, "-m", "covenant.cli"]
        names = ("runserver", "worker")
        outcome = supervise([[*command, "runserver", addr, "--noreload"], [*command, "worker"]], env=env)
        if outcome.signum is not None:
            self.stdout.write(f"Demo stopped ({signal.strsignal(outcome.signum)}).")
        elif outcome.exited is not None:
            raise CommandError(
                f"The {names[outcome.exited]} stopped (exit code {outcome.returncode}), so the demo stopped too."
            )


@dataclass(frozen=True)
class Outcome:
    """Why :func:`supervise` returned: the signal it got, or which child exited first and how."""

    signum: int | None = None
    exited: int | None = None  # index into the commands
    returncode: int = 0


def supervise(
    commands: Sequence[Sequence[str]],
    *,
    env: Mapping[str, str] | None = None,
    grace: float = 10.0,
    poll: float = 0.2,
) -> Outcome:
    """Run ``commands`` side by side until one exits or SIGTERM/SIGINT arrives; then stop them all.

    Each child leads its own process group, so that whatever it starts goes with it,
    and a Ctrl-C at the terminal reaches only this process, which then stops every
    child the same way: SIGTERM to each group, up to ``grace`` seconds for them to
    end, then SIGKILL. A second signal cuts the wait short.
    """
    received: list[int] = []

    def on_signal(signum: int, _frame: FrameType | None) -> None:
        received.append(signum)

    previous = {sig: signal.signal(sig, on_signal) for sig in (signal.SIGTERM, signal.SIGINT)}
    children: list[subprocess.Popen[bytes]] = []
    exited: int | None = None
    try:
        for command in commands:
            if received:
                break
            children.append(subprocess.Popen(command, env=env, process_group=0))  # noqa: S603 (our own commands)
        while not received and exited is None:
            exited = next((n for n, child in enumerate(children) if child.poll() is not None), None)
            if exited is None:
                time.sleep(poll)
    finally:
        stop(children, grace=grace, poll=poll, hurry=lambda: len(received) > 1)
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    if received:
        return Outcome(signum=received[0])
    assert exited is not None
    return Outcome(exited=exited, returncode=children[exited].returncode)


def stop(
    children: Sequence[subprocess.Popen[bytes]],
    *,
    grace: float = 10.0,
    poll: float = 0.2,
    hurry: Callable[[], bool] = lambda: False,
) -> None:
    """SIGTERM each child's process group, wait up to ``grace`` seconds for all to end, then SIGKILL."""
    groups = [child.pid for child in children]
    for group in groups:
        _signal_group(group, signal.SIGTERM)
    deadline = time.monotonic() + grace
    while _alive(children, groups) and time.monotonic() < deadline and not hurry():
        time.sleep(poll)
    for group in groups:
        _signal_group(group, signal.SIGKILL)
    for child in children:
        child.wait()


def _alive(children: Sequence[subprocess.Popen[bytes]], groups: Sequence[int]) -> bool:
    # Reap the leaders first: an exited but unreaped leader still answers signals.
    running = [child.poll() is None for child in children]
    return any(running) or any(_signal_group(group, 0) for group in groups)


def _signal_group(group: int, sig: int) -> bool:
    """Send ``sig`` to a process group; False when the group is gone."""
    try:
        os.killpg(group, sig)
    except (ProcessLookupError, PermissionError):  # gone (its id may even be someone else's now)
        return False
    return True
