"""Settings come from the environment; production refuses to start half-configured."""

import pytest

from tests.support.processes import GOOD_SECRET, manage

# Each test starts manage.py in a subprocess.
pytestmark = pytest.mark.slow


@pytest.mark.parametrize(
    "env",
    [
        {"DJANGO_ENV": "production"},
        {"DEBUG": "0"},
        {"DJANGO_ENV": "production", "SECRET_KEY": "short"},
        {"DJANGO_ENV": "production", "SECRET_KEY": "django-insecure-" + "x" * 60},
        {"DJANGO_ENV": "production", "SECRET_KEY": "a" * 60},
    ],
)
def test_production_refuses_to_start_without_a_real_secret(env):
    result = manage("check", ALLOWED_HOSTS="labjobs.example.edu", **env)
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "refuses to start in production without a real SECRET_KEY" in lines[0]


def test_production_refuses_to_start_without_allowed_hosts():
    result = manage("check", DJANGO_ENV="production", SECRET_KEY=GOOD_SECRET)
    assert result.returncode != 0
    assert result.stderr.strip().splitlines() == [
        "LabJobs refuses to start in production without ALLOWED_HOSTS "
        "(comma-separated host names, e.g. ALLOWED_HOSTS=labjobs.example.edu)."
    ]


def test_production_refuses_to_start_without_database_url():
    result = manage(
        "check", DJANGO_ENV="production", SECRET_KEY=GOOD_SECRET,
        ALLOWED_HOSTS="labjobs.example.edu", DATABASE_URL="",
    )  # fmt: skip
    assert result.returncode != 0
    assert result.stderr.strip().splitlines() == [
        "LabJobs refuses to start in production without DATABASE_URL "
        "(e.g. DATABASE_URL=postgres://labjobs:password@db.example.edu:5432/labjobs)."
    ]


def test_production_starts_when_configured():
    result = manage(
        "check",
        DJANGO_ENV="production",
        SECRET_KEY=GOOD_SECRET,
        ALLOWED_HOSTS="labjobs.example.edu",
        DATABASE_URL="postgres://labjobs@127.0.0.1:5432/labjobs",
    )
    assert result.returncode == 0, result.stderr


def test_database_url_must_be_postgresql():
    result = manage("check", DATABASE_URL="mysql://root@127.0.0.1/labjobs")
    assert result.returncode != 0
    assert "DATABASE_URL must point at PostgreSQL" in result.stderr


def test_unreachable_database_gives_one_line_naming_host_and_port():
    # Port 9 (discard) has no PostgreSQL on it: the connection is refused at once.
    result = manage("migrate", DATABASE_URL="postgres://labjobs@127.0.0.1:9/labjobs")
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "127.0.0.1:9" in lines[0]
    assert "unset DATABASE_URL" in lines[0]
    assert "Traceback" not in result.stderr


def test_settings_read_the_environment():
    result = manage(
        "shell",
        "-c",
        "from django.conf import settings as s; "
        "print(s.TIME_ZONE, s.EMAIL_HOST, s.EMAIL_PORT, s.EMAIL_USE_TLS, s.ALLOWED_HOSTS)",
        TIME_ZONE="America/Chicago",
        EMAIL_URL="smtp+tls://mailer:pw@smtp.example.edu:587",
        ALLOWED_HOSTS="a.example.edu,b.example.edu",
    )
    assert result.returncode == 0, result.stderr
    assert "America/Chicago smtp.example.edu 587 True ['a.example.edu', 'b.example.edu']" in (
        result.stdout
    )


def test_each_connection_gets_the_work_mem_searches_need():
    """16 MB by default (a broad word's bitmap at a million listings stays exact),
    DATABASE_WORK_MEM to change it, empty for the server's own setting."""
    show = (
        "from django.db import connection; c = connection.cursor(); c.execute("
        "\"SELECT setting, unit, source FROM pg_settings WHERE name = 'work_mem'\"); "
        "print(*c.fetchone())"
    )

    def work_mem(**env) -> str:
        result = manage("shell", "-c", show, DATABASE_NAME="postgres", **env)
        return result.stdout.strip().splitlines()[-1]

    assert work_mem() == "16384 kB client"
    assert work_mem(DATABASE_WORK_MEM="8MB") == "8192 kB client"
    assert not work_mem(DATABASE_WORK_MEM="").endswith("client")


@pytest.mark.parametrize("size", ["lots", "1 GB", "0MB", "512"])
def test_the_embedded_servers_shared_buffers_must_be_a_size(size):
    """Said in one line before anything starts, not as PostgreSQL's error later."""
    result = manage("check", DATABASE_URL="", EMBEDDED_DB_SHARED_BUFFERS=size)
    assert result.returncode != 0
    assert f"EMBEDDED_DB_SHARED_BUFFERS={size!r} is not a size" in result.stderr
    assert "Traceback" not in result.stderr
