"""manage.py in a subprocess, with the environment a fresh shell would give it."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
GOOD_SECRET = "k3J9-very-long-random-secret-key-for-tests-only-8f2a1c9d0e7b6a5c4d3e2f1"


def manage(*args, **env):
    environment = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "DEBUG")}
    environment.pop("ALLOWED_HOSTS", None)
    environment.pop("DJANGO_ENV", None)
    environment.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)  # set for the browser tests only
    environment.update(env)
    """Run manage.py with `env` over this process's environment, less the settings a
    test must give explicitly (secret, hosts, DEBUG, DJANGO_ENV)."""
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )
