"""The ``covenant`` command: Django's management commands, plus ``covenant match``
which runs the matching engine on CSV files without any database.

Command names may be written with hyphens: ``covenant verify-audit-log``.
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv if argv is None else argv)
    args = argv[1:]
    if args and args[0] == "match":
        # No Django here: the matcher must work on a laptop with two CSV files.
        from covenant.matching.cli import main as match_main

        return int(match_main(args[1:]))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "covenant.settings")
    if args and not args[0].startswith("-"):
        args[0] = args[0].replace("-", "_")
    from django.core.management import execute_from_command_line

    execute_from_command_line([argv[0] if argv else "covenant", *args])
    return 0


if __name__ == "__main__":
    sys.exit(main())
