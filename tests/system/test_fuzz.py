"""Fuzzing: random query strings, form fields and files, sent by every role to every
URL of the site (GET and POST); none may answer with a server error.

CI runs FUZZ_EXAMPLES inputs (default 300); `make fuzz` runs 10,000 and prints the
count."""

import os
import string

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.support.authorization import MATRIX, url_for

pytestmark = [pytest.mark.django_db, pytest.mark.slow]
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "300"))
RESULTS = {"inputs": 0, "server_errors": []}

# Field names the site's forms and filters really use, and some it does not.
FIELD_NAMES = [
    "q", "role", "comp", "schedule", "mode", "level", "institution", "city", "hours_max",
    "certs", "deadline_within", "posted_within", "sort", "page", "inquiries", "format",
    "cover_letter", "cv_choice", "cv_upload", "version", "action", "notes", "follow_up_on",
    "name", "frequency", "query", "body", "message", "move", "note", "reason",
    "applications", "confirm_duplicate", "title", "description", "responsibilities",
    "skills", "levels", "compensation", "pay_rate", "hours_min", "hours_max", "schedules",
    "start_date", "deadline", "openings", "benefits", "apply_method", "apply_url",
    "role_types", "certifications", "form_token", "program", "graduation_year", "password",
    "login", "email", "password1", "password2", "next", "status", "open_to_inquiries",
    "certs-TOTAL_FORMS", "certs-INITIAL_FORMS", "certs-0-certification", "certs-0-expires_on",
    "new_lab_name", "new_lab_institution", "lab", "first_name", "x", "",
]  # fmt: skip

values = st.one_of(
    st.text(max_size=40),
    st.text(alphabet=string.printable, max_size=300),
    st.integers(min_value=-(10**12), max_value=10**12).map(str),
    st.sampled_from(
        ["", "0", "-1", "999999999999", "1e400", "NaN", "true", "on", "2026-02-30", "9999-12-31",
         "paid", "volunteer", "relevance", "pay", "submit", "draft", "preview", "upload",
         "profile", "make_offer", "filled", "weekly", "\x00", "%00", "../../etc/passwd",
         "<script>alert(1)</script>", "' OR 1=1 --", "ñandú", "🧪" * 50, "x" * 25_000]
    ),
    # Look-alike spellings of the world's own addresses (the sign-up identity hole).
    st.sampled_from(["ſtudent@uni.edu", "admın@labjobs.test", "ＵＳＥＲ0@example.edu",
                     "user1@EXAMPLE.EDU", "uſer2@example.edu", "\ue000x\ue001"]),
)  # fmt: skip
files = st.builds(
    lambda name, content: SimpleUploadedFile(name, content),
    st.sampled_from(["cv.pdf", "cv.exe", "noextension", "a" * 300 + ".pdf", "x.pdf.exe"]),
    st.one_of(
        st.binary(max_size=2000),
        st.binary(max_size=500).map(lambda b: b"%PDF-1.4\n" + b + b"\n%%EOF"),
    ),
)
ROLE_NAMES = [
    "anonymous", "student_a", "student_b", "unverified_member", "pending_joiner", "staff_x",
    "staff_y", "superuser",
]  # fmt: skip


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    name=st.sampled_from(sorted(MATRIX)),
    role=st.sampled_from(ROLE_NAMES),
    method=st.sampled_from(["GET", "POST"]),
    fields=st.lists(st.tuples(st.sampled_from(FIELD_NAMES), values), max_size=8),
    upload=st.one_of(st.none(), files),
)
def test_no_input_gives_a_server_error(world, name, role, method, fields, upload):
    users, objects = world
    client = Client(raise_request_exception=False)
    if role != "anonymous":
        client.force_login(users[role])
    url = url_for(name, objects)
    data: dict[str, list] = {}
    for field, value in fields:
        data.setdefault(field, []).append(value)
    if method == "GET":
        response = client.get(url, data)
    else:
        if upload is not None:
            data.setdefault("cv_upload", []).append(upload)
        response = client.post(url, data)
    RESULTS["inputs"] += 1
    if response.status_code >= 500:
        RESULTS["server_errors"].append(f"{method} {url} as {role} with {fields!r}")
    assert response.status_code < 500, f"{method} {url} as {role}: {response.status_code}"


def teardown_module(module):
    print(f"\nfuzz: {RESULTS['inputs']} inputs sent, {len(RESULTS['server_errors'])} server errors")
