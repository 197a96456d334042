"""The mixed-user load (Locust): anonymous visitors browse and search; signed-in
students search, save and unsave listings and open their tracker. Run by
`make loadtest` (bench/loadtest.py); by hand: locust -f bench/locustfile.py --host URL.

Visitors' mix: 10% home, 40% search, 30% listing pages, 10% Atom feed, 10% JSON API.
No think time: each user sends its next request when the last one is answered, so
the figures are what 2 gunicorn workers can serve on this machine."""

from __future__ import annotations

import itertools
import os
import random
import re

from locust import FastHttpUser, constant, events, task

SEARCHES = [
    "/listings/?q=research", "/listings/?q=phlebotomy&comp=paid",
    "/listings/?role=lab-technician", "/listings/?q=%22blood+draw%22",
    "/listings/?q=pcr+-volunteer&sort=newest", "/listings/?comp=paid&mode=on_site",
    "/listings/?page=3", "/listings/?q=assistant&schedule=weekends",
]  # fmt: skip
FEEDS = ["/listings/feed/?q=research", "/listings/feed/"]
API_SEARCHES = ["/api/listings/?q=assistant", "/api/listings/?comp=paid"]
LISTING_IDS: list[int] = []
STUDENTS = itertools.cycle(os.environ.get("BENCH_STUDENTS", "").split(",") or [""])
STUDENT_PASSWORD = os.environ.get("BENCH_STUDENT_PASSWORD", "")
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@events.test_start.add_listener
def pick_listings(environment, **kwargs):
    """60 open listings to visit, from the JSON API (as an embedding site would)."""
    import json
    import urllib.request

    for page in (1, 2, 3):
        url = f"{environment.host}/api/listings/?sort=newest&page={page}"
        with urllib.request.urlopen(url, timeout=30) as response:  # noqa: S310 - loopback
            LISTING_IDS.extend(row["id"] for row in json.load(response)["results"])


class Visitor(FastHttpUser):
    weight = 4
    wait_time = constant(0)

    @task(10)
    def home(self):
        self.client.get("/", name="home")

    @task(40)
    def search(self):
        self.client.get(random.choice(SEARCHES), name="search")  # noqa: S311

    @task(30)
    def listing(self):
        self.client.get(f"/listings/{random.choice(LISTING_IDS)}/", name="listing")  # noqa: S311

    @task(10)
    def feed(self):
        self.client.get(random.choice(FEEDS), name="feed")  # noqa: S311

    @task(10)
    def api(self):
        self.client.get(random.choice(API_SEARCHES), name="api")  # noqa: S311


class Student(FastHttpUser):
    weight = 1
    wait_time = constant(0)

    def on_start(self):
        page = self.client.get("/accounts/login/", name="login form").text
        self.client.post(
            "/accounts/login/",
            data={"login": next(STUDENTS), "password": STUDENT_PASSWORD,
                  "csrfmiddlewaretoken": CSRF.search(page).group(1)},
            headers={"Referer": f"{self.host}/accounts/login/"}, name="login",
        )  # fmt: skip

    def _post(self, path: str, name: str):
        token = self.client.cookiejar and next(
            (c.value for c in self.client.cookiejar if c.name == "csrftoken"), ""
        )
        self.client.post(
            path, data={"csrfmiddlewaretoken": token, "next": "/applications/"},
            headers={"Referer": f"{self.host}/listings/"}, name=name,
        )  # fmt: skip

    @task(4)
    def search(self):
        self.client.get(random.choice(SEARCHES), name="search (student)")  # noqa: S311

    @task(2)
    def save_and_unsave(self):
        listing = random.choice(LISTING_IDS)  # noqa: S311
        self._post(f"/listings/{listing}/save/", "save")
        self._post(f"/listings/{listing}/unsave/", "unsave")

    @task(1)
    def tracker(self):
        self.client.get("/applications/", name="tracker")
