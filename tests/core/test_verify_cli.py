"""`covenant verify-audit-log` as an operator types it, hyphens and all."""

from __future__ import annotations

import pytest

from covenant.cli import main
from tests.conftest import World


def test_cli_accepts_hyphenated_command_names(world: World, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["covenant", "verify-audit-log"]) == 0
    assert "Audit trail intact" in capsys.readouterr().out
