"""gunicorn settings for ``covenant serve`` (``gunicorn -c python:covenant.gunicorn_conf``).

The application and the register's match index are loaded once, in the master,
before the workers fork (``preload_app``), so the workers share them instead of
each loading its own: the index itself is a snapshot file mapped read-only
(``covenant.matching.shared``), and what Python objects the master made are
frozen out of the garbage collector (``gc.freeze``), whose scans would otherwise
write to every object and so copy every page into every worker.

A worker then only catches up with the register's changes since the master
loaded it (``covenant/registry/matchindex.py``). Code changes need a restart, not
a HUP: with ``preload_app`` a HUP re-forks the already loaded code.
"""

from __future__ import annotations

import gc
import logging
from typing import Any

preload_app = True

log = logging.getLogger("covenant.serve")


def when_ready(server: Any) -> None:
    """In the master, after the application is loaded and before any worker forks."""
    warm_match_index()


def warm_match_index() -> None:
    from django.db import connections
    from django.urls import get_resolver

    from covenant.registry import matchindex

    # The URL patterns (and the API's schema, built when its module loads) are loaded
    # lazily by the first request; here, so that the workers share them too.
    get_resolver().url_patterns  # noqa: B018

    try:
        matchindex.warm()
    except Exception:  # the workers build it on first use; serving must not wait on it
        log.exception("Could not load the match index before forking; each worker will load it")
    finally:
        # A connection opened here must not be shared by the forked workers.
        connections.close_all()
    gc.collect()
    gc.freeze()
