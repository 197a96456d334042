"""`make mailoutage`: the mixed-user load for 90 s while the mail server is down for
the first 60 s, with one queue worker running and a student sending applications
(each one a receipt). Afterwards: were the requests answered, were all the emails
delivered once the server was back, none lost, none twice?

    python bench/mail_outage.py [--duration 90] [--outage 60]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from faultrun import Submitter
from loadtest import failures, run_locust, summary
from server import ROOT, gunicorn, prepare_students, setup_django


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=90, help="seconds of load")
    parser.add_argument("--outage", type=int, default=60, help="seconds the mail server is down")
    parser.add_argument("--users", type=int, default=8)
    args = parser.parse_args()
    setup_django()
    sys.path.insert(0, str(ROOT))
    from django.db import connection
    from django.utils import timezone

    from labjobs.models import OutgoingEmail
    from listings.models import Application, ApplyMethod, Listing
    from tests.support.smtp import SMTPServer

    [email, *students] = prepare_students(5)
    Application.objects.filter(student__email=email).delete()
    open_ids = list(
        Listing.objects.public()
        .filter(apply_method=ApplyMethod.LABJOBS, deadline__gte=timezone.localdate())
        .values_list("pk", flat=True)[:600]
    )
    started_at = timezone.now()
    smtp = SMTPServer()  # down: nothing listens on its port until it starts
    env = {**os.environ, "EMAIL_URL": smtp.email_url}
    worker = subprocess.Popen(  # noqa: S603 - our own worker, stopped below
        [sys.executable, "manage.py", "procrastinate", "worker", "--queues", "mail"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    connection.close()
    try:
        with gunicorn(EMAIL_URL=smtp.email_url) as base, tempfile.TemporaryDirectory() as tmp:
            submitter = Submitter(base, email, open_ids)
            submitter.start()
            threading.Timer(args.outage, smtp.start).start()
            out = Path(tmp) / "outage"
            rows = run_locust(
                base, users=args.users, duration=args.duration, students=students, out=out
            )
            failed = failures(out)
            submitter.done.set()
            submitter.join()
        up_at = time.monotonic()
        queued = OutgoingEmail.objects.filter(created_at__gte=started_at)
        while queued.exclude(status="sent").exists() and time.monotonic() - up_at < 600:
            time.sleep(2)
        drained = time.monotonic() - up_at
    finally:
        worker.terminate()
        worker.wait(timeout=60)
        smtp.stop()
    total = queued.count()
    sent = queued.filter(status="sent").count()
    ids = [message["Message-ID"] for _rcpt, message in smtp.inbox.messages]
    confirmed = sum(1 for _when, _listing, status in submitter.attempts if status == 302)
    print(f"Mail server down for the first {args.outage} s of {args.duration} s of load.")
    print(summary(rows) + f" ({failed or 'no failures'})")
    print(f"Applications: {len(submitter.attempts)} sent, {confirmed} confirmed to the student.")
    print(
        f"Emails queued during the run: {total}; sent: {sent}; received by the server: "
        f"{len(ids)}, distinct: {len(set(ids))}; all delivered {drained:.0f} s after the load "
        f"ended (the server was back {args.duration - args.outage} s before that)."
    )


if __name__ == "__main__":
    main()
