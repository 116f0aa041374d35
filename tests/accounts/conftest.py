import pytest


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    """The cast creates a dozen users; PBKDF2 would dominate the run time."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
