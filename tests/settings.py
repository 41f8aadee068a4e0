"""Settings for the test suite: the real settings in their ``test`` profile."""

import atexit
import os
import shutil
import tempfile

os.environ["COVENANT_ENV"] = "test"
if "COVENANT_DATA_DIR" not in os.environ:
    # One directory for the run: pytest-xdist's workers inherit it from the controller,
    # which removes it when the run ends.
    _data_dir = tempfile.mkdtemp(prefix="covenant-test-")
    os.environ["COVENANT_DATA_DIR"] = _data_dir
    atexit.register(shutil.rmtree, _data_dir, ignore_errors=True)

from covenant.settings import *  # noqa: F403

# Argon2 is what production uses (tests/accounts/test_passwords.py checks);
# a fast hasher keeps the suite quick.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.MD5PasswordHasher",
    "django.contrib.auth.hashers.Argon2PasswordHasher",
]
