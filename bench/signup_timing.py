"""Does sign-up's timing tell which addresses have accounts? Times the sign-up page
for new addresses and for taken ones, with the production password hasher, through
Django's test client on the benchmark database, and prints the medians.

    DATABASE_NAME=labjobs_bench .venv/bin/python bench/signup_timing.py [--rounds 20]
"""

from __future__ import annotations

import argparse
import secrets
import statistics
import time

from server import setup_django


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=20)
    args = parser.parse_args()
    setup_django()
    from django.test import Client
    from django.test.utils import setup_test_environment
    from django.urls import reverse

    from accounts.models import User

    setup_test_environment()  # the test client's mail outbox, not real mail
    run = secrets.token_hex(4)
    taken = f"bench-taken-{run}@labjobs.test"
    User.objects.create_user(taken, "an existing passphrase")
    timings: dict[str, list[float]] = {"new": [], "taken": []}
    for n in range(args.rounds):
        for kind, email in (("new", f"bench-new-{run}-{n}@labjobs.test"), ("taken", taken)):
            client = Client(REMOTE_ADDR=f"10.77.{n // 256}.{n % 256}")
            fields = {"email": email, "password1": "a long new passphrase",
                      "password2": "a long new passphrase", "program": "ms1"}  # fmt: skip
            started = time.perf_counter()
            response = client.post(reverse("account_signup"), fields)
            timings[kind].append((time.perf_counter() - started) * 1000)
            if response.status_code != 302:
                raise SystemExit(f"sign-up answered {response.status_code}")
    User.objects.filter(email__startswith="bench-").filter(email__contains=run).delete()
    for kind, values in timings.items():
        print(f"{kind:5} address: median {statistics.median(values):.0f} ms, "
              f"min {min(values):.0f}, max {max(values):.0f} ({len(values)} sign-ups)")  # fmt: skip


if __name__ == "__main__":
    main()
