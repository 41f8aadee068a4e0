"""Settings for the test suite: the real settings in their ``test`` profile."""

import os
import tempfile

os.environ["COVENANT_ENV"] = "test"
os.environ.setdefault("COVENANT_DATA_DIR", tempfile.mkdtemp(prefix="covenant-test-"))

from covenant.settings import *  # noqa: F403

# Argon2 is what production uses (tests/accounts/test_passwords.py checks);
# a fast hasher keeps the suite quick.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.MD5PasswordHasher",
    "django.contrib.auth.hashers.Argon2PasswordHasher",
]
