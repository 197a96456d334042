"""What the load and fault runs share: LabJobs under gunicorn with production
settings on the benchmark database, on a free loopback port, and a plain HTTP GET.

Not part of the application: nothing in accounts/, listings/ or labjobs/ imports it."""

from __future__ import annotations

import contextlib
import os
import secrets
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH_DATABASE = "labjobs_bench"
STUDENT_PASSWORD = "bench-student-" + "x" * 10  # noqa: S105 - throwaway accounts in bench data


def setup_django() -> None:
    """Configure Django on the benchmark database, for the scripts' own queries."""
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "labjobs.settings")
    os.environ.setdefault("DATABASE_NAME", BENCH_DATABASE)
    import django

    django.setup()


def database_url() -> str:
    """DATABASE_URL for production settings: the server of your own, or the embedded one."""
    from django.conf import settings

    if not settings.USING_EMBEDDED_DATABASE:
        return os.environ["DATABASE_URL"]
    from labjobs import devdb

    return devdb.url()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def get(url: str, timeout: float = 15) -> tuple[int, bytes]:
    """(status, body) of a loopback GET; 0 when nothing answered."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:  # noqa: S310 - loopback
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()
    except (urllib.error.URLError, TimeoutError, ConnectionError):
        return 0, b""


@contextlib.contextmanager
def gunicorn(*, workers: int = 2, **extra_env):
    """Serve LabJobs as production would (gunicorn.conf.py, WhiteNoise, DEBUG off) and
    yield its base URL; stopped on leaving."""
    with tempfile.TemporaryDirectory() as tmp:
        port = free_port()
        env = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
        env.update(
            DJANGO_ENV="production",
            DATABASE_URL=database_url(),
            SECRET_KEY=secrets.token_urlsafe(50),
            ALLOWED_HOSTS="127.0.0.1",
            # Loopback, no TLS proxy in front: plain HTTP, so cookies may not be Secure.
            SECURE_SSL_REDIRECT="0",
            SESSION_COOKIE_SECURE="0",
            CSRF_COOKIE_SECURE="0",
            STATIC_ROOT=str(Path(tmp) / "static"),
            GUNICORN_BIND=f"127.0.0.1:{port}",
            WEB_CONCURRENCY=str(workers),
            CONN_MAX_AGE="60",
            GUNICORN_LOG_LEVEL="warning",
            **extra_env,
        )
        subprocess.run(  # noqa: S603 - our own manage.py
            [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
            cwd=ROOT, env=env, check=True,
        )  # fmt: skip
        with open(Path(tmp) / "gunicorn.log", "w") as log:
            server = subprocess.Popen(  # noqa: S603 - our own gunicorn
                [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "labjobs.wsgi"],
                cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=log,
            )  # fmt: skip
            base = f"http://127.0.0.1:{port}"
            try:
                deadline = time.monotonic() + 30
                while get(f"{base}/healthz", timeout=2)[0] != 200:
                    if server.poll() is not None or time.monotonic() > deadline:
                        raise SystemExit("gunicorn did not start: " + log.name)
                    time.sleep(0.2)
                yield base
            finally:
                server.terminate()
                server.wait(timeout=30)


def prepare_students(count: int) -> list[str]:
    """Student accounts with confirmed addresses and a CV, for the signed-in users of
    the load (bench-student-N@labjobs.test, STUDENT_PASSWORD); idempotent."""
    from allauth.account.models import EmailAddress
    from django.core.files.base import ContentFile

    from accounts.models import Program, StudentProfile, User

    emails = []
    for n in range(count):
        email = f"bench-student-{n}@labjobs.test"
        user, created = User.objects.get_or_create(email=email, defaults={"role": "student"})
        if created or not user.check_password(STUDENT_PASSWORD):
            user.set_password(STUDENT_PASSWORD)
            user.save()
        EmailAddress.objects.update_or_create(
            user=user, email=email, defaults={"verified": True, "primary": True}
        )
        profile, _ = StudentProfile.objects.get_or_create(
            user=user, defaults={"program": Program.MS2}
        )
        if not profile.cv:
            profile.cv.save("cv.pdf", ContentFile(b"%PDF-1.4\n%bench\n%%EOF\n"), save=False)
            profile.cv_filename = "cv.pdf"
            profile.save()
        emails.append(email)
    return emails
