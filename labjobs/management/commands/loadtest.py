"""A bounded load test on loopback: gunicorn (2 workers, production settings) on the
benchmark database, wrk sending a mix of home, search, detail, feed and JSON pages.
Prints requests/s, p50, p99 and errors. With --restart-db, PostgreSQL is stopped and
started again in the middle (the fault run) and what users saw meanwhile is printed.

    make loadtest            (DATABASE_NAME=labjobs_bench manage.py loadtest)
    make faultrun            (... loadtest --restart-db)
"""

from __future__ import annotations

import os
import random
import re
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from listings.models import Listing

LUA = """
local paths = {%(paths)s}
local counter = 0
local threads = {}
function setup(thread)
  table.insert(threads, thread)
end
function init(args)
  statuses = {}
end
function request()
  counter = counter + 1
  return wrk.format("GET", paths[(counter %% #paths) + 1])
end
function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end
function done(summary, latency, requests)
  local totals = {}
  for _, thread in ipairs(threads) do
    for status, n in pairs(thread:get("statuses")) do
      totals[status] = (totals[status] or 0) + n
    end
  end
  for status, n in pairs(totals) do
    io.write(string.format("status %%d %%d\\n", status, n))
  end
end
"""


class Command(BaseCommand):
    help = "Load-test gunicorn on the benchmark data with wrk (loopback only, bounded)."

    def add_arguments(self, parser):
        parser.add_argument("--duration", type=int, default=30, help="Seconds of load.")
        parser.add_argument("--connections", type=int, default=8)
        parser.add_argument("--workers", type=int, default=2, help="gunicorn workers.")
        parser.add_argument(
            "--restart-db", action="store_true",
            help="Stop PostgreSQL a third of the way in and start it again 5 s later.",
        )  # fmt: skip
        parser.add_argument("--outage", type=float, default=5.0, help="Seconds down.")

    def handle(self, *args, duration, connections, workers, restart_db, outage, **options):
        wrk = shutil.which("wrk")
        if not wrk:
            raise CommandError("wrk is missing: `make loadtest` installs it (apt-get install wrk).")
        if restart_db and duration / 3 + outage + 5 > duration:
            raise CommandError(
                f"--duration {duration} is too short for a {outage:g} s outage after "
                f"{duration / 3:.0f} s and time to recover; use at least "
                f"{int(1.5 * (outage + 5)) + 1} s."
            )
        if restart_db and not settings.USING_EMBEDDED_DATABASE:
            raise CommandError("--restart-db stops the embedded PostgreSQL; unset DATABASE_URL.")
        public = Listing.objects.public()
        self.open_listings = public.count()
        if self.open_listings < 1000:
            raise CommandError(
                "Too little data: seed the benchmark first (make bench, or "
                "DATABASE_NAME=labjobs_bench manage.py seed_bench --listings 100000)."
            )
        paths = self._paths(public)
        submitter = Submitter.prepare(public) if restart_db else None
        connection.close()  # this process's connection would not survive --restart-db
        with tempfile.TemporaryDirectory() as tmp:
            port = _free_port()
            env = self._environment(Path(tmp), port, workers)
            subprocess.run(  # noqa: S603 - our own manage.py
                [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
                cwd=settings.BASE_DIR, env=env, check=True,
            )  # fmt: skip
            server = subprocess.Popen(  # noqa: S603 - our own gunicorn
                [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "labjobs.wsgi"],
                cwd=settings.BASE_DIR, env=env, stdout=subprocess.DEVNULL,
                stderr=open(Path(tmp) / "gunicorn.log", "w"),  # noqa: SIM115
            )  # fmt: skip
            base = f"http://127.0.0.1:{port}"
            try:
                _wait_for(f"{base}/healthz", server)
                for path in set(paths):  # warm the caches a real site would have warm
                    _get(base + path)
                script = Path(tmp) / "mix.lua"
                script.write_text(LUA % {"paths": ", ".join(f'"{p}"' for p in paths)})
                probe = Probe(base) if restart_db else None
                restart = None
                if probe:
                    probe.start()
                    submitter.start(base)
                    restart = threading.Timer(duration / 3, self._restart_db, [outage, probe])
                    restart.start()
                started = time.monotonic()
                result = subprocess.run(  # noqa: S603 - wrk on loopback, bounded
                    [wrk, "-t2", f"-c{connections}", f"-d{duration}s", "--latency",
                     "--timeout", "10s", "-s", str(script), base],
                    capture_output=True, text=True, check=False,
                )  # fmt: skip
                elapsed = time.monotonic() - started
                if probe:
                    restart.join()  # PostgreSQL is back before anything is counted
                    probe.stop()
                    submitter.stop()
            finally:
                server.terminate()
                server.wait(timeout=30)
        self._report(result.stdout, elapsed, workers, connections, probe)
        if submitter:
            self.stdout.write(submitter.verdict(probe))

    # -- parts --------------------------------------------------------------------

    def _paths(self, public) -> list[str]:
        rng = random.Random(7)  # noqa: S311 - picking pages, not secrets
        ids = list(public.order_by("?").values_list("pk", flat=True)[:60])
        searches = [
            "/listings/?q=research", "/listings/?q=phlebotomy&comp=paid",
            "/listings/?role=lab-technician", "/listings/?q=%22blood+draw%22",
            "/listings/?q=pcr+-volunteer&sort=newest", "/listings/?comp=paid&mode=on_site",
            "/listings/?page=3", "/listings/?q=assistant&schedule=weekends",
        ]  # fmt: skip
        mix = (
            ["/"] * 10
            + [rng.choice(searches) for _ in range(40)]
            + [f"/listings/{rng.choice(ids)}/" for _ in range(30)]
            + ["/listings/feed/?q=research", "/listings/feed/"] * 5
            + ["/api/listings/?q=assistant", "/api/listings/?comp=paid"] * 5
        )
        rng.shuffle(mix)
        return mix

    def _environment(self, tmp: Path, port: int, workers: int) -> dict:
        env = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
        env.update(
            DJANGO_ENV="production",
            SECRET_KEY=secrets.token_urlsafe(50),
            ALLOWED_HOSTS="127.0.0.1",
            # Loopback, no TLS proxy in front: plain HTTP, so cookies may not be Secure.
            SECURE_SSL_REDIRECT="0",
            SESSION_COOKIE_SECURE="0",
            CSRF_COOKIE_SECURE="0",
            STATIC_ROOT=str(tmp / "static"),
            GUNICORN_BIND=f"127.0.0.1:{port}",
            WEB_CONCURRENCY=str(workers),
            CONN_MAX_AGE="60",
            GUNICORN_LOG_LEVEL="warning",
            DATABASE_NAME=settings.DATABASES["default"]["NAME"],
        )
        return env

    def _restart_db(self, outage: float, probe: Probe) -> None:
        from labjobs import devdb

        probe.mark("stopping PostgreSQL")
        devdb.stop()
        probe.mark("stopped")
        time.sleep(outage)
        probe.mark("starting PostgreSQL")
        devdb.ensure_running.cache_clear()
        devdb.ensure_running()
        probe.mark("started")

    def _report(self, output: str, elapsed: float, workers: int, connections: int, probe):
        requests = int(re.search(r"(\d+) requests in", output).group(1))
        rps = re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)
        latency = dict(re.findall(r"^\s+(50|99)%\s+([\d.]+\w+)", output, re.M))
        statuses = {int(s): int(n) for s, n in re.findall(r"^status (\d+) (\d+)", output, re.M)}
        socket_errors = re.search(r"Socket errors: (.*)", output)
        errors = sum(n for status, n in statuses.items() if status >= 400)
        self.stdout.write(
            f"gunicorn {workers} workers, wrk {connections} connections, {elapsed:.0f} s on "
            f"{self.open_listings:,} open listings\n"
            f"requests: {requests:,}  requests/s: {rps}  p50: {latency.get('50')}  "
            f"p99: {latency.get('99')}  errors: {errors}"
            + (f"  socket errors: {socket_errors.group(1)}" if socket_errors else "")
            + f"\nstatuses: {dict(sorted(statuses.items()))}"
        )
        if probe:
            self.stdout.write(probe.summary())


class Probe:
    """Polls / and /healthz every 100 ms during the fault run: what users saw."""

    def __init__(self, base: str):
        self.base, self.events, self.samples = base, [], []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def start(self):
        self._thread.start()

    def stop(self):
        self._stop.set()
        self._thread.join()

    def mark(self, what: str):
        self.events.append((time.monotonic(), what))

    def _run(self):
        while not self._stop.is_set():
            for path in ("/", "/healthz"):
                started = time.monotonic()
                status, body = _get(self.base + path, timeout=15)
                self.samples.append((started, path, status, time.monotonic() - started, body))
            time.sleep(0.1)

    def summary(self) -> str:
        marks = dict((what, at) for at, what in self.events)
        down, up = marks.get("stopped"), marks.get("started")
        if down is None or up is None:
            return "fault run: PostgreSQL was not restarted (run longer)"
        during = [s for s in self.samples if down <= s[0] <= up]
        after = [s for s in self.samples if s[0] > up]
        first_ok = next((s[0] for s in after if s[2] == 200 and s[1] == "/"), None)
        pages = [s for s in during if s[1] == "/"]
        health = [s for s in during if s[1] == "/healthz"]
        friendly = sum(1 for s in pages if s[2] == 503 and b"briefly unavailable" in s[4])
        return (
            f"fault run: PostgreSQL down {up - down:.1f} s. During the outage: home page "
            f"{_count(pages)} ({friendly} of them the friendly 503 page), /healthz "
            f"{_count(health)}, slowest answer {max((s[3] for s in during), default=0):.2f} s. "
            "First home page 200 after the restart: "
            + (f"{first_ok - up:.2f} s" if first_ok else "never")
            + f". After: {_count(after)}."
        )


class Submitter:
    """A student who keeps sending applications through gunicorn during the fault run.
    Afterwards each attempt is checked against the database: an application the
    student was told was sent exists whole (submitted, one event, its CV file), and
    one that got an error left nothing submitted."""

    EMAIL = "faultrun-student@labjobs.test"
    PASSWORD = "faultrun-" + "x" * 12  # noqa: S105 - a throwaway account in the bench data

    def __init__(self, listing_ids: list[int]):
        self.listing_ids = listing_ids
        self.attempts: list[tuple[float, int, int]] = []  # (time, listing, status)
        self._stop = threading.Event()
        self._thread = None

    @classmethod
    def prepare(cls, public) -> Submitter:
        from allauth.account.models import EmailAddress
        from django.core.files.base import ContentFile
        from django.db.models import Q
        from django.utils import timezone

        from accounts.models import Program, StudentProfile, User
        from listings.models import Application, ApplyMethod

        user, _ = User.objects.get_or_create(email=cls.EMAIL, defaults={"role": "student"})
        user.set_password(cls.PASSWORD)
        user.save()
        EmailAddress.objects.update_or_create(
            user=user, email=cls.EMAIL, defaults={"verified": True, "primary": True}
        )
        profile, _ = StudentProfile.objects.get_or_create(
            user=user, defaults={"program": Program.MS2}
        )
        if not profile.cv:
            profile.cv.save("cv.pdf", ContentFile(b"%PDF-1.4\n%fault run\n%%EOF\n"), save=False)
            profile.cv_filename = "cv.pdf"
            profile.save()
        Application.objects.filter(student=user).delete()
        open_ids = public.filter(
            Q(deadline__isnull=True) | Q(deadline__gte=timezone.localdate()),
            apply_method=ApplyMethod.LABJOBS,
        ).values_list("pk", flat=True)[:400]
        return cls(list(open_ids))

    def start(self, base: str) -> None:
        self._thread = threading.Thread(target=self._run, args=[base], daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread:
            self._thread.join()

    def _run(self, base: str) -> None:
        import http.cookiejar

        jar = http.cookiejar.CookieJar()
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), _NoRedirect())

        def post(path, fields):
            status, page = _open(opener, base + path)
            token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page)
            if token is None:
                return status  # the form itself did not open (503 while the database is down)
            body = urllib.parse.urlencode(
                {**fields, "csrfmiddlewaretoken": token.group(1).decode()}
            )
            request = urllib.request.Request(  # noqa: S310 - loopback
                base + path, data=body.encode(), headers={"Referer": base + path}
            )
            return _open(opener, request)[0]

        post("/accounts/login/", {"login": self.EMAIL, "password": self.PASSWORD})
        for listing_id in self.listing_ids:
            if self._stop.is_set():
                break
            started = time.monotonic()
            status = post(
                f"/listings/{listing_id}/apply/",
                {"cover_letter": "Sent during the fault run.", "cv_choice": "profile",
                 "action": "submit"},
            )  # fmt: skip
            self.attempts.append((started, listing_id, status))
            time.sleep(0.05)

    def verdict(self, probe) -> str:
        from django.core.files.storage import default_storage

        from listings.models import Application

        connection.close()
        applications = {
            a.listing_id: a
            for a in Application.objects.filter(student__email=self.EMAIL).prefetch_related(
                "events"
            )
        }
        told_sent = whole = refused = clean = inconsistent = 0
        for _started, listing_id, status in self.attempts:
            application = applications.get(listing_id)
            submitted = application is not None and application.status == "submitted"
            if status == 302:
                told_sent += 1
                ok = (
                    submitted
                    and len(application.events.all()) == 1
                    and application.cv
                    and default_storage.exists(application.cv.name)
                )
                whole += bool(ok)
                inconsistent += not ok
            else:
                refused += 1
                clean += not submitted
                inconsistent += submitted
        marks = dict((what, at) for at, what in probe.events)
        during = sum(
            1 for started, _, _ in self.attempts
            if marks.get("stopping PostgreSQL", 0) <= started <= marks.get("started", 0)
        )  # fmt: skip
        statuses: dict[int, int] = {}
        for _started, _listing, status in self.attempts:
            statuses[status] = statuses.get(status, 0) + 1
        return (
            f"applications sent during the run: {len(self.attempts)} attempts, answers "
            f"{dict(sorted(statuses.items()))} "
            f"({during} while PostgreSQL was stopping, down or starting); "
            f"{told_sent} confirmed to the student, {whole} of them whole in the database; "
            f"{refused} answered with an error, {clean} of them left nothing submitted; "
            f"inconsistent: {inconsistent}"
        )


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def _open(opener, request, timeout: float = 15) -> tuple[int, bytes]:
    """(status, body) of a loopback request; 0 when nothing answered."""
    try:
        with opener.open(request, timeout=timeout) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()
    except (urllib.error.URLError, TimeoutError, ConnectionError):
        return 0, b""


def _count(samples) -> str:
    counts: dict[int, int] = {}
    for sample in samples:
        counts[sample[2]] = counts.get(sample[2], 0) + 1
    return str(dict(sorted(counts.items())))


def _get(url: str, timeout: float = 15) -> tuple[int, bytes]:
    return _open(urllib.request.build_opener(), url, timeout)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_for(url: str, server, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise CommandError("gunicorn exited; see its log.")
        if _get(url, timeout=2)[0] == 200:
            return
        time.sleep(0.2)
    raise CommandError(f"gunicorn did not answer {url} within {timeout:.0f} s.")
