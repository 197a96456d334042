"""The job queue's figures on this machine, on the benchmark database:

- enqueue cost: what `queue_email` adds to a request (outbox row + job, in the
  request's transaction), median of N;
- throughput: one worker (`manage.py procrastinate worker --one-shot`) delivering N
  queued emails to a real SMTP server on loopback (aiosmtpd), in emails per second.

    DATABASE_NAME=labjobs_bench .venv/bin/python bench/queue_bench.py [--emails 1000]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time

from server import ROOT, setup_django


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--emails", type=int, default=1000)
    parser.add_argument("--concurrency", type=int, default=1)
    args = parser.parse_args()
    setup_django()
    sys.path.insert(0, str(ROOT))
    from django.core.mail import EmailMultiAlternatives
    from django.db import transaction

    from labjobs.mail import queue_email
    from labjobs.models import OutgoingEmail
    from tests.support.smtp import SMTPServer

    OutgoingEmail.objects.filter(subject__startswith="bench ").delete()
    costs = []
    for n in range(args.emails):
        message = EmailMultiAlternatives(subject=f"bench {n}", body="x" * 800,
                                         to=[f"student{n}@uni.edu"])  # fmt: skip
        message.attach_alternative("<p>" + "x" * 800 + "</p>", "text/html")
        started = time.perf_counter()
        with transaction.atomic():
            queue_email(message)
        costs.append((time.perf_counter() - started) * 1000)
    print(f"enqueue: median {statistics.median(costs):.2f} ms, p95 "
          f"{statistics.quantiles(costs, n=20)[-1]:.2f} ms ({args.emails} emails)")  # fmt: skip

    smtp = SMTPServer()
    smtp.start()
    env = {**os.environ, "EMAIL_URL": smtp.email_url}
    started = time.perf_counter()
    subprocess.run(  # noqa: S603 - our own worker, bounded by --one-shot
        [sys.executable, "manage.py", "procrastinate", "worker", "--one-shot", "--queues",
         "mail", "--concurrency", str(args.concurrency)],
        cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    elapsed = time.perf_counter() - started
    smtp.stop()
    delivered = len(smtp.inbox.messages)
    print(f"one worker (concurrency {args.concurrency}): {delivered} emails in {elapsed:.1f} s, "
          f"{delivered / elapsed:.0f} per second (start-up included)")  # fmt: skip
    OutgoingEmail.objects.filter(subject__startswith="bench ").delete()


if __name__ == "__main__":
    main()
