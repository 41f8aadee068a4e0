#!/usr/bin/env python
"""Django's command-line utility; `covenant` (see covenant/cli.py) is the same with extras."""

import sys

from covenant.cli import main

if __name__ == "__main__":
    sys.exit(main(["manage.py", *sys.argv[1:]]))
