"""`manage.py seed_bench --listings N`: fill a benchmark database with N realistic
listings, fast (PostgreSQL COPY, search vectors computed in one pass at the end).

Run it against a database of its own: `DATABASE_NAME=labjobs_bench` (what `make
bench` does). It replaces every listing in that database.
"""

import io
import itertools
import queue
import random
import sys
import threading
import time
from datetime import timedelta

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, connections, transaction
from django.utils import timezone

from accounts.models import Program
from listings import demo_content
from listings.models import (
    VISIBLE_TO_ALL,
    Benefit,
    Certification,
    Compensation,
    Listing,
    ListingStatus,
    RoleType,
    Schedule,
    WorkMode,
)
from listings.models.headline import FILL_GROUP_TERMS, FILL_HEADLINE_TERMS
from listings.services.scheduled import refresh_search_words

L = ListingStatus
# The GIN indexes dropped before the load and built after it (faster than updating
# them row by row), as the model defines them (models/search_indexes.py)
AFTER_LOAD = ("listing_published_words", "listing_sample_words", "listing_phrase_pairs")


def _built_after_load():
    indexes = [index for index in Listing._meta.indexes if index.name in AFTER_LOAD]
    if len(indexes) != len(AFTER_LOAD):  # one renamed in the model: name it here too
        raise CommandError(f"The model defines no index named like each of {AFTER_LOAD}.")
    return indexes


BATCH = 20_000
STATES = ["Massachusetts", "Illinois", "Washington", "Texas", "California", "New York",
          "Pennsylvania", "Ohio", "Michigan", "Georgia", "North Carolina", "Minnesota"]  # fmt: skip
CITIES = ["Boston", "Chicago", "Seattle", "Austin", "San Francisco", "New York",
          "Philadelphia", "Cleveland", "Ann Arbor", "Atlanta", "Durham", "Rochester",
          "Baltimore", "Nashville", "Denver", "Salt Lake City", "Houston", "St. Louis",
          "Pittsburgh", "Madison"]  # fmt: skip
# Lab words beyond the demo's, so the vocabulary has a long tail of rare terms.
EXTRA_WORDS = """
assay centrifuge aliquot pipette microscopy histology immunohistochemistry cytometry
sequencing genotyping genomics proteomics metabolomics transcriptomics biobank biorepository
specimen serum plasma urine saliva tissue biopsy autopsy necropsy grossing cassette microtome
cryostat paraffin stain hematoxylin eosin slide imaging confocal fluorescence western blot
elisa qpcr crispr cloning plasmid transfection organoid culture incubator autoclave sterile
aseptic biosafety fume hood centrifugation spectrophotometer chromatography mass spectrometry
electrophoresis gel agarose buffer reagent inventory freezer liquid nitrogen dewar mouse
zebrafish drosophila yeast bacteria virus phage antibody antigen cytokine lymphocyte
macrophage neutrophil platelet erythrocyte hemoglobin coagulation transfusion apheresis
venipuncture capillary tourniquet vacutainer butterfly needle sharps biohazard triage
consent enrollment randomization recruitment screening eligibility protocol amendment
regulatory binder audit monitoring adverse event pharmacokinetics dosing infusion oncology
cardiology neurology nephrology hepatology endocrinology pediatrics geriatrics psychiatry
dermatology ophthalmology radiology pathology microbiology immunology virology parasitology
epidemiology biostatistics informatics database redcap epic cohort registry survey interview
transcription coding regression survival bayesian python matlab stata spss tableau github
poster abstract manuscript publication conference mentorship letter recommendation stipend
""".split()  # noqa: SIM905 - a word list reads best as text


def vocabulary() -> list[str]:
    """Real lab words, most common first (the demo's texts, then a long tail)."""
    text = " ".join(
        [*demo_content.OPENERS.values(), *demo_content.CLOSERS]
        + [" ".join(v) for v in demo_content.RESPONSIBILITIES.values()]
        + [" ".join(v) for v in demo_content.SKILLS.values()]
        + [" ".join(v) for v in demo_content.LEARNING.values()]
        + [row[9] for row in demo_content.LABS]
    )
    words, seen = [], set()
    for word in (w.strip(".,;:()").lower() for w in text.split()):
        if word.isalpha() and len(word) > 2 and word not in seen:
            seen.add(word)
            words.append(word)
    for word in EXTRA_WORDS:
        if word not in seen:
            seen.add(word)
            words.append(word)
    return words


def copy_text(value) -> str:
    """One field in PostgreSQL COPY text format."""
    if value is None:
        return r"\N"
    text = str(value)
    return text.replace("\\", "\\\\").replace("\t", " ").replace("\n", "\\n").replace("\r", "")


def pg_array(values) -> str:
    return "{" + ",".join('"' + v.replace('"', "") + '"' for v in values) + "}"


class Progress:
    def __init__(self, total: int, label: str, stream):
        self.total, self.label, self.stream, self.start = total, label, stream, time.monotonic()

    def show(self, done: int) -> None:
        width = 30
        filled = int(width * done / self.total) if self.total else width
        elapsed = time.monotonic() - self.start
        rate = done / elapsed if elapsed else 0
        self.stream.write(
            f"\r{self.label} [{'#' * filled}{'.' * (width - filled)}] {done:,}/{self.total:,}"
            f" {rate:,.0f}/s"
        )
        self.stream.flush()

    def end(self) -> None:
        self.stream.write(f" done in {time.monotonic() - self.start:.1f}s\n")


def copy_in(cursor, statement: str, buffer: io.StringIO) -> None:
    """COPY ... FROM STDIN the rows written to `buffer` (psycopg 3's copy)."""
    with cursor.copy(statement) as copy:
        copy.write(buffer.getvalue())


class Command(BaseCommand):
    help = "Fill the (benchmark) database with N realistic listings for bench_search."

    def add_arguments(self, parser):
        parser.add_argument("--listings", type=int, default=100_000)
        parser.add_argument("--labs", type=int, default=0, help="default: listings/200")
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument("--yes", action="store_true", help="allow the default database")

    def handle(self, *args, listings, labs, seed, yes, **options):
        name = settings.DATABASES["default"]["NAME"]
        if "bench" not in name and not yes:
            raise CommandError(
                f"seed_bench replaces every listing in {name!r}. Run it with "
                "DATABASE_NAME=labjobs_bench (make bench does), or pass --yes."
            )
        if listings < 1:
            raise CommandError("--listings must be at least 1.")
        call_command("migrate", verbosity=0)
        rng = random.Random(seed)  # noqa: S311 - benchmark data, not security
        words = vocabulary()
        weights = [1 / (rank + 1) ** 1.07 for rank in range(len(words))]  # Zipf-like
        labs = labs or max(20, listings // 200)
        out = self.stderr if sys.stderr.isatty() else self.stdout
        started = time.monotonic()
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                "TRUNCATE listings_listing, listings_listing_role_types, "
                "listings_listing_certifications, listings_listingevent, listings_application, "
                "listings_applicationevent, listings_listingheadline, listings_headlineterm "
                "RESTART IDENTITY CASCADE"
            )
            cursor.execute("DELETE FROM accounts_labstaffprofile")
            cursor.execute("DELETE FROM listings_lab")
            cursor.execute("DELETE FROM listings_institution")
            institution_ids = self._institutions(cursor, max(4, labs // 12))
            lab_ids = self._labs(cursor, labs, institution_ids, rng)
            # Role types are copied before their listings (the foreign key is checked
            # at commit), so this trigger would only find nothing to update.
            cursor.execute(
                "ALTER TABLE listings_listing_role_types "
                "DISABLE TRIGGER listings_listing_role_types_search"
            )
            # The headlines' words are written in one statement after the load.
            cursor.execute(
                "ALTER TABLE listings_listingheadline DISABLE TRIGGER listings_headline_terms"
            )
            with connection.schema_editor() as editor:
                for index in _built_after_load():
                    editor.remove_index(Listing, index)
        try:
            self._listings(listings, lab_ids, words, weights, rng, out)
        finally:
            with connection.cursor() as cursor:
                cursor.execute(
                    "ALTER TABLE listings_listing_role_types "
                    "ENABLE TRIGGER listings_listing_role_types_search"
                )
                cursor.execute(
                    "ALTER TABLE listings_listingheadline ENABLE TRIGGER listings_headline_terms"
                )
        with connection.cursor() as cursor:
            cursor.execute(FILL_HEADLINE_TERMS)
            cursor.execute(FILL_GROUP_TERMS, [None, None])  # and each synonym group's
            t = time.monotonic()
            out.write("Building the GIN indexes…")
            out.flush()
            cursor.execute("SET maintenance_work_mem = '512MB'")
            with connection.schema_editor() as editor:
                for index in _built_after_load():
                    editor.add_index(Listing, index)
            out.write(f" done in {time.monotonic() - t:.1f}s\n")
            for table in ("listings_listing", "listings_listing_role_types",
                          "listings_listing_certifications", "listings_listingheadline",
                          "listings_headlineterm"):  # fmt: skip
                # VACUUM sets the visibility map that index-only scans rely on.
                cursor.execute(f"VACUUM ANALYZE {table}")
            cursor.execute(
                "SELECT setval(pg_get_serial_sequence('listings_listing', 'id'), %s)", [listings]
            )
        refresh_search_words()
        self.stdout.write(
            f"{listings:,} listings in {labs:,} labs loaded into {name!r} "
            f"in {time.monotonic() - started:.0f}s."
        )

    def _institutions(self, cursor, count):
        ids = []
        for n in range(count):
            cursor.execute(
                "INSERT INTO listings_institution (name, slug, website) VALUES (%s, %s, '') "
                "RETURNING id",
                [f"{CITIES[n % len(CITIES)]} University {n + 1}", f"bench-university-{n + 1}"],
            )
            ids.append(cursor.fetchone()[0])
        return ids

    def _labs(self, cursor, count, institution_ids, rng):
        buffer = io.StringIO()
        for n in range(count):
            row = demo_content.LABS[n % len(demo_content.LABS)]
            city = rng.choice(CITIES)
            buffer.write(
                "\t".join(
                    copy_text(v)
                    for v in [
                        f"{row[1]} {n + 1}",
                        f"bench-lab-{n + 1}",
                        rng.choice(institution_ids),
                        row[3],
                        row[4],
                        city,
                        rng.choice(STATES),
                        "United States",
                        "",
                        row[9],
                        "{}",
                        n % 7 == 0,
                        False,
                        timezone.now().isoformat(),
                    ]
                )  # fmt: skip
                + "\n"
            )
        copy_in(
            cursor,
            "COPY listings_lab (name, slug, institution_id, department, principal_investigator,"
            " city, region, country, website, description, email_domains, open_to_inquiries,"
            " trusted, created_at) FROM STDIN",
            buffer,
        )
        cursor.execute("SELECT id FROM listings_lab ORDER BY id")
        return [row[0] for row in cursor.fetchall()]

    def _listings(self, count, lab_ids, words, weights, rng, out, workers: int = 2):
        """Generate batches here while worker connections COPY them in: each batch's
        role types first, then its listings, whose trigger computes the search vector
        and facet columns as the row goes in. PostgreSQL works on both cores while
        Python writes the next batch."""
        batches: queue.Queue = queue.Queue(maxsize=workers * 2)
        progress = Progress(count, "Listings", out)
        loaded = [0]
        failures: list[BaseException] = []
        lock = threading.Lock()

        def load() -> None:
            try:
                while (batch := batches.get()) is not None:
                    if failures:
                        continue
                    listing_rows, role_rows, cert_rows, size = batch
                    with transaction.atomic(), connections["default"].cursor() as cursor:
                        for buffer, sql in (
                            (role_rows, COPY_ROLE_TYPES),
                            (cert_rows, COPY_CERTIFICATIONS),
                            (listing_rows, COPY_LISTINGS),
                        ):
                            copy_in(cursor, sql, buffer)
                    with lock:
                        loaded[0] += size
                        progress.show(loaded[0])
            except BaseException as exc:  # reported by the main thread
                failures.append(exc)
            finally:
                connections["default"].close()

        roles = {r.slug: r.id for r in RoleType.objects.all()}
        certs = list(Certification.objects.values_list("id", flat=True))
        cum_weights = list(itertools.accumulate(weights))
        threads = [threading.Thread(target=load) for _ in range(workers)]
        for thread in threads:
            thread.start()
        try:
            next_id = 1
            while next_id <= count and not failures:
                size = min(BATCH, count - next_id + 1)
                rows = self._batch(next_id, size, lab_ids, roles, certs, words, cum_weights, rng)
                batches.put((*rows, size))
                next_id += size
        finally:
            for _ in threads:
                batches.put(None)
            for thread in threads:
                thread.join()
        if failures:
            raise failures[0]
        progress.end()

    @staticmethod
    def _batch(first_id, size, lab_ids, roles, certs, words, cum_weights, rng):
        """COPY text for `size` listings from `first_id`: listings, role types, certs."""
        now = timezone.now()
        today = timezone.localdate()
        listing_rows, role_rows, cert_rows = io.StringIO(), io.StringIO(), io.StringIO()
        for listing_id in range(first_id, first_id + size):
            role = rng.choice(list(demo_content.TITLES))
            template = rng.choice(demo_content.TITLES[role])
            topic = " ".join(rng.choices(words, cum_weights=cum_weights, k=2))
            title = template.format(topic=topic)
            description = " ".join(
                rng.choices(words, cum_weights=cum_weights, k=rng.randint(60, 140))
            )
            description = description[0].upper() + description[1:] + "."
            responsibilities = "\n".join(
                "- " + rng.choice(demo_content.RESPONSIBILITIES[role]) for _ in range(3)
            )
            compensation = rng.choice(Compensation.values)
            hours_min = rng.choice([2, 4, 6, 8, 10, 12, 15, 20, 35])
            hours_max = min(40, hours_min + rng.choice([0, 2, 4, 6, 10]))
            published = now - timedelta(days=rng.randint(0, 59), seconds=rng.randint(0, 86399))
            status = rng.choices(
                [L.PUBLISHED, L.PENDING, L.DRAFT, L.CLOSED, L.EXPIRED, L.REJECTED],
                [85, 4, 3, 4, 3, 1],
            )[0]
            live = status in VISIBLE_TO_ALL
            expires = published + timedelta(days=60) if status != L.EXPIRED else now - timedelta(1)
            deadline = None if rng.random() < 0.3 else today + timedelta(days=rng.randint(1, 120))
            fields = [
                listing_id, title[:200], rng.choice(lab_ids), description, responsibilities,
                pg_array(rng.sample(demo_content.SKILLS[role], 3)),
                pg_array(rng.sample(Program.values, rng.randint(1, 4))),
                compensation,
                f"{rng.uniform(14, 32):.2f}" if compensation == "paid" else None,
                hours_min, hours_max,
                pg_array(rng.sample(Schedule.values, rng.randint(1, 2))),
                today + timedelta(days=rng.randint(7, 120)) if rng.random() < 0.7 else None,
                rng.choice([None, 3, 6, 12]),
                rng.choices(WorkMode.values, [80, 15, 5])[0],
                deadline, rng.choice([1, 1, 1, 2, 3]),
                pg_array(rng.sample(Benefit.values, rng.randint(0, 3))),
                "labjobs", "", status, "",
                now.isoformat(), now.isoformat(),
                published.isoformat(),
                published.isoformat() if live else None,
                expires.isoformat() if live else None,
                "{}",  # facet_role_type_ids: the trigger fills it in
            ]  # fmt: skip
            listing_rows.write("\t".join(copy_text(v) for v in fields) + "\n")
            role_ids = {roles[role]}
            if rng.random() < 0.2:
                role_ids.add(rng.choice(list(roles.values())))
            for role_id in role_ids:
                role_rows.write(f"{listing_id}\t{role_id}\n")
            for cert_id in rng.sample(certs, rng.choice([0, 0, 1, 1, 2])):
                cert_rows.write(f"{listing_id}\t{cert_id}\n")
        return listing_rows, role_rows, cert_rows


COPY_LISTINGS = (
    "COPY listings_listing (id, title, lab_id, description, responsibilities, skills, levels,"
    " compensation, pay_rate, hours_min, hours_max, schedules, start_date, duration_months,"
    " work_mode, deadline, openings, benefits, apply_method, apply_url, status,"
    " rejection_reason, created_at, updated_at, submitted_at, published_at, expires_at,"
    " facet_role_type_ids) FROM STDIN"
)
COPY_ROLE_TYPES = "COPY listings_listing_role_types (listing_id, roletype_id) FROM STDIN"
COPY_CERTIFICATIONS = (
    "COPY listings_listing_certifications (listing_id, certification_id) FROM STDIN"
)
