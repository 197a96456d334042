"""`make loadtest`: the mixed-user load (bench/locustfile.py) against gunicorn with
production settings on the benchmark data, on loopback, bounded in time. Prints
requests/s, p50, p99 and failures, for all requests and for each kind.

    python bench/loadtest.py [--duration 30] [--users 8] [--workers 2]
"""

from __future__ import annotations

import argparse
import csv
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from server import ROOT, STUDENT_PASSWORD, get, gunicorn, prepare_students, setup_django

STUDENTS = 4


def run_locust(base: str, *, users: int, duration: int, students: list[str], out: Path):
    """Run the locustfile headless; return its rows (name -> stats) from the CSV."""
    env = {**os.environ, "BENCH_STUDENTS": ",".join(students),
           "BENCH_STUDENT_PASSWORD": STUDENT_PASSWORD}  # fmt: skip
    subprocess.run(  # noqa: S603 - locust on loopback, bounded by -t
        [sys.executable, "-m", "locust", "-f", str(ROOT / "bench" / "locustfile.py"),
         "--headless", "--users", str(users), "--spawn-rate", str(users),
         "--run-time", f"{duration}s", "--stop-timeout", "5", "--host", base,
         "--csv", str(out), "--only-summary", "--loglevel", "WARNING"],
        env=env, check=False, stdout=subprocess.DEVNULL,
    )  # fmt: skip
    with open(f"{out}_stats.csv", newline="") as stats:
        return {row["Name"]: row for row in csv.DictReader(stats)}


def failures(out: Path) -> dict[str, int]:
    """Locust's failures of the last run, by error (e.g. "HTTPError('503 ...')")."""
    tally: dict[str, int] = {}
    with open(f"{out}_failures.csv", newline="") as rows:
        for row in csv.DictReader(rows):
            error = row["Error"].split(" for url")[0]
            tally[error] = tally.get(error, 0) + int(row["Occurrences"])
    return tally


def summary(rows: dict, name: str = "Aggregated") -> str:
    row = rows[name]
    return (
        f"{name}: {int(row['Request Count']):,} requests, {float(row['Requests/s']):.0f}/s, "
        f"p50 {row['50%']} ms, p99 {row['99%']} ms, failures {row['Failure Count']}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=30, help="seconds of load")
    parser.add_argument("--users", type=int, default=8, help="simultaneous users")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    args = parser.parse_args()

    setup_django()
    from django.db import connection

    from listings.models import Listing

    open_listings = Listing.objects.public().count()
    if open_listings < 1000:
        raise SystemExit("Too little data: make bench-data first.")
    students = prepare_students(STUDENTS)
    connection.close()
    with gunicorn(workers=args.workers) as base, tempfile.TemporaryDirectory() as tmp:
        for path in ("/", "/listings/?q=research", "/listings/feed/"):  # warm the caches
            get(base + path)
        rows = run_locust(
            base, users=args.users, duration=args.duration, students=students,
            out=Path(tmp) / "load",
        )  # fmt: skip
    print(
        f"gunicorn {args.workers} workers, Locust {args.users} users (visitors and "
        f"signed-in students, 4:1), {args.duration} s on {open_listings:,} open listings"
    )
    print(summary(rows))
    for name in sorted(set(rows) - {"Aggregated"}):
        print("  " + summary(rows, name))


if __name__ == "__main__":
    main()
