"""`make faultrun`: the mixed-user load for 40 s while PostgreSQL (the embedded
server) is stopped for 5 s a third of the way in. Meanwhile a probe reads / and
/healthz every 100 ms, and a student keeps sending applications; afterwards each
one is checked in the database: confirmed ones are whole, refused ones left nothing.

    python bench/faultrun.py [--duration 40] [--outage 5] [--users 8]
"""

from __future__ import annotations

import argparse
import re
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar
from pathlib import Path

from loadtest import failures, run_locust, summary
from server import STUDENT_PASSWORD, get, gunicorn, prepare_students, setup_django


def counts(statuses) -> str:
    tally: dict[int, int] = {}
    for status in statuses:
        tally[status] = tally.get(status, 0) + 1
    return str(dict(sorted(tally.items())))


class Probe(threading.Thread):
    """What users saw: / and /healthz every 100 ms, with when PostgreSQL went and came."""

    def __init__(self, base: str):
        super().__init__(daemon=True)
        self.base, self.samples, self.marks = base, [], {}
        self.done = threading.Event()

    def run(self):
        while not self.done.is_set():
            for path in ("/", "/healthz"):
                started = time.monotonic()
                status, body = get(self.base + path)
                self.samples.append((started, path, status, time.monotonic() - started, body))
            time.sleep(0.1)

    def summary(self) -> str:
        down, up = self.marks["stopped"], self.marks["started"]
        during = [s for s in self.samples if down <= s[0] <= up]
        after = [s for s in self.samples if s[0] > up]
        pages = [s for s in during if s[1] == "/"]
        friendly = sum(1 for s in pages if s[2] == 503 and b"briefly unavailable" in s[4])
        first_ok = next((s[0] for s in after if s[2] == 200 and s[1] == "/"), None)
        return (
            f"PostgreSQL down {up - down:.1f} s. During the outage: home page "
            f"{counts(s[2] for s in pages)} ({friendly} the friendly 503 page), /healthz "
            f"{counts(s[2] for s in during if s[1] == '/healthz')}, slowest answer "
            f"{max((s[3] for s in during), default=0):.2f} s. First home page 200 after the "
            "restart: "
            + (f"{first_ok - up:.2f} s" if first_ok else "never")
            + f". After: {counts(s[2] for s in after)}."
        )


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Submitter(threading.Thread):
    """A student sending one application after another through gunicorn."""

    def __init__(self, base: str, email: str, listing_ids: list[int]):
        super().__init__(daemon=True)
        self.base, self.email, self.listing_ids = base, email, listing_ids
        self.attempts: list[tuple[float, int, int]] = []  # (when, listing, status)
        self.done = threading.Event()
        cookies = urllib.request.HTTPCookieProcessor(CookieJar())
        self.opener = urllib.request.build_opener(cookies, NoRedirect())

    def _open(self, request) -> tuple[int, bytes]:
        try:
            with self.opener.open(request, timeout=15) as response:
                return response.status, response.read()
        except urllib.error.HTTPError as error:
            return error.code, error.read()
        except (urllib.error.URLError, TimeoutError, ConnectionError):
            return 0, b""

    def post(self, path: str, fields: dict) -> int:
        status, page = self._open(self.base + path)
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        if token is None:
            return status  # the form did not open (503 while the database is down)
        body = urllib.parse.urlencode({**fields, "csrfmiddlewaretoken": token.group(1).decode()})
        request = urllib.request.Request(  # noqa: S310 - loopback
            self.base + path, data=body.encode(), headers={"Referer": self.base + path}
        )
        return self._open(request)[0]

    def run(self):
        self.post("/accounts/login/", {"login": self.email, "password": STUDENT_PASSWORD})
        for listing_id in self.listing_ids:
            if self.done.is_set():
                break
            started = time.monotonic()
            status = self.post(
                f"/listings/{listing_id}/apply/",
                {"cover_letter": "Sent during the fault run.", "cv_choice": "profile",
                 "action": "submit"},
            )  # fmt: skip
            self.attempts.append((started, listing_id, status))
            time.sleep(0.05)

    def verdict(self) -> str:
        """Each attempt against the database: told "sent" -> submitted, one event, CV
        file stored; told anything else -> nothing submitted."""
        from django.core.files.storage import default_storage

        from listings.models import Application

        applications = {
            a.listing_id: a
            for a in Application.objects.filter(student__email=self.email).prefetch_related(
                "events"
            )
        }
        confirmed = whole = refused = clean = 0
        for _when, listing_id, status in self.attempts:
            application = applications.get(listing_id)
            submitted = application is not None and application.is_submitted
            if status == 302:
                confirmed += 1
                whole += bool(
                    submitted and len(application.events.all()) == 1
                    and default_storage.exists(application.cv.name)
                )  # fmt: skip
            else:
                refused += 1
                clean += not submitted
        return (
            f"Applications: {len(self.attempts)} attempts, answers "
            f"{counts(s for _, _, s in self.attempts)}; {confirmed} confirmed to the student, "
            f"{whole} of them whole in the database; {refused} refused, {clean} of them left "
            f"nothing submitted; inconsistent: {confirmed - whole + refused - clean}."
        )


def restart_postgres(probe: Probe, outage: float) -> None:
    from labjobs import devdb

    devdb.stop()
    probe.marks["stopped"] = time.monotonic()
    time.sleep(outage)
    devdb.ensure_running.cache_clear()
    devdb.ensure_running()
    probe.marks["started"] = time.monotonic()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=40, help="seconds of load")
    parser.add_argument("--outage", type=float, default=5.0, help="seconds PostgreSQL is down")
    parser.add_argument("--users", type=int, default=8, help="simultaneous Locust users")
    args = parser.parse_args()
    if args.duration / 3 + args.outage + 5 > args.duration:
        raise SystemExit(f"--duration {args.duration} leaves no time to recover; use 40.")

    setup_django()
    from django.conf import settings
    from django.db import connection
    from django.utils import timezone

    from listings.models import Application, ApplyMethod, Listing

    if not settings.USING_EMBEDDED_DATABASE:
        raise SystemExit("The fault run stops the embedded PostgreSQL; unset DATABASE_URL.")
    [email, *students] = prepare_students(5)
    Application.objects.filter(student__email=email).delete()
    open_ids = list(
        Listing.objects.public()
        .filter(apply_method=ApplyMethod.LABJOBS, deadline__gte=timezone.localdate())
        .values_list("pk", flat=True)[:400]
    )
    connection.close()  # it would not survive the restart
    with gunicorn() as base, tempfile.TemporaryDirectory() as tmp:
        probe, submitter = Probe(base), Submitter(base, email, open_ids)
        probe.start()
        submitter.start()
        restart = threading.Timer(args.duration / 3, restart_postgres, [probe, args.outage])
        restart.start()
        out = Path(tmp) / "fault"
        rows = run_locust(
            base, users=args.users, duration=args.duration, students=students, out=out
        )
        failed = failures(out)
        restart.join()
        probe.done.set()
        submitter.done.set()
        probe.join()
        submitter.join()
    print(f"Fault run: {args.duration} s of load, {args.users} Locust users.")
    print(summary(rows) + f" ({failed})")
    print(probe.summary())
    print(submitter.verdict())


if __name__ == "__main__":
    main()
