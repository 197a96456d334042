"""The queue with real workers (subprocesses running `manage.py procrastinate worker`
on the test database) and a real SMTP server (aiosmtpd) that starts late."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection, transaction
from django.urls import reverse

from labjobs.mail import queue_email
from labjobs.models import OutgoingEmail
from listings.models import Application
from tests.support.factories import (
    StudentFactory,
    SubmittedApplicationFactory,
    signup_fields,
    student_who_applied,
)
from tests.support.smtp import SMTPServer

ROOT = Path(__file__).resolve().parent.parent.parent
pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("migration_data"),
    pytest.mark.slow,
]


@pytest.fixture
def smtp(settings):
    """An SMTP server that is down until the test starts it; the site sends to it."""
    server = SMTPServer()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", server.port, 2
    settings.MAIL_QUEUE_EAGER = False
    yield server
    server.stop()


def worker_env(smtp: SMTPServer, **extra) -> dict:
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env.update(
        DATABASE_NAME=connection.settings_dict["NAME"], EMAIL_URL=smtp.email_url,
        EMAIL_TIMEOUT="2", MAIL_RETRY_WAIT_SECONDS="1", **extra,
    )  # fmt: skip
    return env


def worker(env: dict, *args: str, name: str = "test") -> subprocess.Popen:
    return subprocess.Popen(  # noqa: S603 - our own manage.py
        [sys.executable, "manage.py", "procrastinate", "worker", "--name", name, *args],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )  # fmt: skip


def run_once(env: dict, *args: str) -> None:
    """A worker that takes every job due now, then stops."""
    process = worker(env, "--one-shot", *args)
    _, errors = process.communicate(timeout=120)
    assert process.returncode == 0, errors.decode()[-3000:]


def test_mail_waits_while_the_server_is_down_and_arrives_once_after(client, smtp):
    student, applied = student_who_applied(client)
    other = SubmittedApplicationFactory()
    staff = other.listing.lab.staff.create(user=StudentFactory(role="lab_staff"), status="active")
    client.force_login(staff.user)
    moved = client.post(
        reverse("listings:manage_applicant_move", args=[other.pk]), {"move": "start_review"}
    )
    messaged = client.post(
        reverse("listings:manage_applicant_message", args=[other.pk]), {"body": "Hi"}
    )
    client.logout()
    signed_up = client.post(
        reverse("account_signup"),
        signup_fields("new@uni.edu"),
    )
    assert [r.status_code for r in (applied, moved, messaged, signed_up)] == [302] * 4
    queued = OutgoingEmail.objects.count()
    assert queued == 4

    env = worker_env(smtp)
    run_once(env)  # the server refuses: every email is tried once and kept for later

    assert set(OutgoingEmail.objects.values_list("status", "attempts")) == {("queued", 1)}
    application = Application.objects.get(student=student)
    assert application.status == "submitted"
    assert application.cv.storage.exists(application.cv.name)  # nothing was deleted

    smtp.start()
    time.sleep(3.5)  # the first retry waits 1 + 2 seconds
    run_once(env)

    assert set(OutgoingEmail.objects.values_list("status", "attempts")) == {("sent", 2)}
    recipients = sorted(rcpt for rcpts, _message in smtp.inbox.messages for rcpt in rcpts)
    assert len(smtp.inbox.messages) == queued  # each exactly once
    assert recipients == sorted([student.email, other.student.email, other.student.email,
                                 "new@uni.edu"])  # fmt: skip


def test_two_workers_deliver_500_emails_each_exactly_once(smtp):
    from django.core.mail import EmailMultiAlternatives

    with transaction.atomic():
        for n in range(500):
            queue_email(EmailMultiAlternatives(subject=f"mail {n}", body="x", to=["a@uni.edu"]))
    smtp.start()
    env = worker_env(smtp)

    workers = [worker(env, "--one-shot", "--concurrency", "4", name=f"w{i}") for i in (1, 2)]
    for process in workers:
        _, errors = process.communicate(timeout=300)
        assert process.returncode == 0, errors.decode()[-3000:]

    subjects = smtp.inbox.subjects()
    assert len(subjects) == 500 and set(subjects) == {f"mail {n}" for n in range(500)}
    assert set(OutgoingEmail.objects.values_list("status", "attempts")) == {("sent", 1)}


def test_a_periodic_job_runs_once_per_period_however_many_workers_start_it(smtp):
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE queue_test_ticks (periodic_ts bigint, worker text,"
            " started double precision, ended double precision)"
        )
    env = worker_env(smtp, QUEUE_EXTRA_TASK_MODULES="tests.support.queue_tasks")
    workers = [worker(env, "--queues", "test-periodic", name=f"p{i}") for i in (1, 2)]
    time.sleep(6)
    for process in workers:
        process.terminate()
    for process in workers:
        process.communicate(timeout=30)

    with connection.cursor() as cursor:
        cursor.execute("SELECT periodic_ts, started, ended FROM queue_test_ticks ORDER BY started")
        runs = cursor.fetchall()
        cursor.execute("DROP TABLE queue_test_ticks")
    timestamps = [ts for ts, _start, _end in runs]
    assert len(runs) >= 3, "the periodic task ran"
    assert len(timestamps) == len(set(timestamps)), "each period ran once, not once per worker"
    for (_ts, _start, previous_end), (_ts2, start, _end) in zip(runs, runs[1:], strict=False):
        assert start >= previous_end - 0.01, "two runs at the same time (the lock failed)"
