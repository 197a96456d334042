"""`manage.py seed_demo`: demo labs, about 80 listings in every state, and demo accounts.

Idempotent: running it again creates nothing new; it refreshes the demo listings'
dates so that a demo set up weeks ago still shows open listings.
"""

import random
from datetime import datetime, time, timedelta
from decimal import Decimal

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from accounts.models import LabStaffProfile, Program, StudentCertification, StudentProfile, User
from listings import demo_content as content
from listings.models import (
    Application,
    ApplicationStatus,
    ApplyMethod,
    Benefit,
    Certification,
    Compensation,
    Institution,
    Interview,
    Lab,
    Listing,
    ListingStatus,
    RoleType,
    Schedule,
    WorkMode,
)
from listings.services.scheduled import refresh_search_words

LISTINGS_PER_LAB = 8

# The state each demo listing is left in, by its number (0-79): mostly published.
PENDING, REJECTED, CLOSED, EXPIRED, DRAFT, PUBLISHED = (
    ListingStatus.PENDING, ListingStatus.REJECTED, ListingStatus.CLOSED, ListingStatus.EXPIRED,
    ListingStatus.DRAFT, ListingStatus.PUBLISHED,
)  # fmt: skip


def seeded_state(number: int) -> str:
    slot = number % 20
    if slot == 3 or number == 19:
        return PENDING
    if slot == 7:
        return CLOSED
    if slot == 11:
        return EXPIRED
    if slot == 15:
        return REJECTED if number < 40 else DRAFT
    return PUBLISHED


DEMO_ACCOUNTS = {
    "admin": ("admin@labjobs.test", "labjobs-admin"),
    "moderator": ("moderator@labjobs.test", "labjobs-moderator"),
    "staff": ("staff@labjobs.test", "labjobs-staff"),
    "student": ("student@labjobs.test", "labjobs-student"),
}


class Command(BaseCommand):
    help = "Load demo labs, listings and accounts (safe to run again)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--force", action="store_true", help="Run even with production settings."
        )

    def handle(self, *args, force=False, **options):
        if settings.PRODUCTION and not force:
            raise CommandError(
                "seed_demo creates accounts with published passwords; it refuses to run "
                "with production settings (use --force if you really mean it)."
            )
        with transaction.atomic():
            accounts = self._accounts_and_labs()
            created = self._listings(accounts)
            self._student_applications(accounts)
        refresh_search_words()
        self.stdout.write(
            f"Demo data ready: {Lab.objects.count()} labs, {Listing.objects.count()} listings "
            f"({created} new), {Listing.objects.public().count()} open."
        )

    # -- labs and accounts -----------------------------------------------------------
    def _accounts_and_labs(self) -> dict:
        institutions = {}
        for slug, name, website in content.INSTITUTIONS:
            institutions[slug], _ = Institution.objects.update_or_create(
                slug=slug, defaults={"name": name, "website": website}
            )
        for number, lab_row in enumerate(content.LABS):
            slug, name, institution, department, pi, city, region, _roles, _topics, about = lab_row
            Lab.objects.update_or_create(
                slug=slug,
                defaults={
                    "name": name,
                    "institution": institutions[institution],
                    "department": department,
                    "principal_investigator": pi,
                    "city": city,
                    "region": region,
                    "country": "United States",
                    "website": f"{institutions[institution].website}/labs/{slug}",
                    "description": about,
                    "email_domains": [
                        institutions[institution]
                        .website.split("//")[1]
                        .split("/")[0]
                        .removeprefix("www.")
                        .removeprefix("med.")
                    ],
                    "open_to_inquiries": number % 3 == 0,
                    "trusted": False,
                },
            )

        moderators = Group.objects.get(name="Moderators")
        accounts = {}
        for key, (email, password) in DEMO_ACCOUNTS.items():
            role = User.Role.LAB_STAFF if key == "staff" else User.Role.STUDENT
            user, _ = User.objects.get_or_create(email=email, defaults={"role": role})
            user.role = role
            user.is_staff = key in ("admin", "moderator")
            user.is_superuser = key == "admin"
            user.first_name, user.last_name = {
                "admin": ("Ada", "Admin"),
                "moderator": ("Mo", "Derator"),
                "staff": ("Sam", "Rivera"),
                "student": ("Jordan", "Lee"),
            }[key]
            user.set_password(password)
            user.save()
            # Demo addresses count as confirmed, so the accounts can log in at once.
            EmailAddress.objects.update_or_create(
                user=user, email=email, defaults={"verified": True, "primary": True}
            )
            if key in ("admin", "moderator"):
                user.groups.add(moderators)
            accounts[key] = user

        StudentProfile.objects.update_or_create(
            user=accounts["student"],
            defaults={
                "program": Program.MS2,
                "graduation_year": timezone.localdate().year + 3,
                "skills": ["pipetting", "phlebotomy", "REDCap", "Spanish"],
                "hours_per_week": 20,
                "city": "Boston",
            },
        )
        staff_profile, _ = LabStaffProfile.objects.update_or_create(
            user=accounts["staff"],
            defaults={"lab": Lab.objects.get(slug="okafor-hematology"), "title": "Lab manager"},
        )
        if not staff_profile.is_active:
            staff_profile.approve(by=accounts["admin"], reason="Demo data.")
        return accounts

    def _student_applications(self, accounts) -> None:
        """The demo student holds two certifications and has three applications in
        different states, so /applications/ shows a tracker with a timeline."""
        student, staff = accounts["student"], accounts["staff"]
        profile = student.student_profile
        today = timezone.localdate()
        for slug, expires_on in [("bls-cpr", today + timedelta(days=400)), ("hipaa", None)]:
            StudentCertification.objects.get_or_create(
                profile=profile,
                certification=Certification.objects.get(slug=slug),
                defaults={"expires_on": expires_on},
            )
        if Application.objects.filter(student=student).exists():
            return  # seeded before; the student may have changed them since
        open_listings = Listing.objects.public().filter(
            Q(deadline__isnull=True) | Q(deadline__gte=today), apply_method=ApplyMethod.LABJOBS
        )
        staff_lab = staff.lab_staff_profile.lab
        own_lab = list(open_listings.filter(lab=staff_lab).order_by("pk")[:2])
        elsewhere = open_listings.exclude(lab=staff_lab).order_by("pk").first()
        A = ApplicationStatus
        targets = list(zip([A.REVIEWING, A.INTERVIEW], own_lab, strict=False))
        targets.append((A.SAVED, elsewhere))
        for state, listing in targets:
            if listing is None:
                continue
            application = Application.objects.create(
                student=student,
                listing=listing,
                cover_letter=content.DEMO_COVER_LETTER.format(title=listing.title),
            )
            if state == A.SAVED:
                continue
            application.submit(by=student)
            application.start_review(by=staff)
            if state == A.INTERVIEW:
                application.invite_to_interview(by=staff)
                tuesday = today + timedelta(days=(1 - today.weekday()) % 7 or 7)
                Interview.objects.create(
                    application=application, invited_by=staff, duration_minutes=30,
                    starts_at=timezone.make_aware(datetime.combine(tuesday, time(10))),
                    place=f"{staff_lab.name}, front desk",
                    details="Could you come by on Tuesday at 10:00 for a short chat?",
                )  # fmt: skip
                Application.objects.filter(pk=application.pk).update(unread_by_student=1)

    # -- listings ------------------------------------------------------------------
    def _listings(self, accounts) -> int:
        role_types = {role.slug: role for role in RoleType.objects.all()}
        certifications = {cert.slug: cert for cert in Certification.objects.all()}
        created = 0
        number = 0
        for lab_row in content.LABS:
            lab = Lab.objects.get(slug=lab_row[0])
            roles, topics = lab_row[7], lab_row[8]
            used_titles: set[str] = set()
            for j in range(LISTINGS_PER_LAB):
                rng = random.Random(f"{lab.slug}:{j}")  # noqa: S311 - demo data, not security
                role = roles[j % len(roles)]
                title, topic = self._title(role, topics, j, len(roles), used_titles)
                fields = self._fields(rng, lab, role, topic)
                listing = Listing.objects.filter(lab=lab, title=title).first()
                state = seeded_state(number)
                if listing is None:
                    listing = Listing(lab=lab, title=title, **fields)
                    if lab.slug == "okafor-hematology":
                        listing.created_by = accounts["staff"]
                    listing.full_clean()
                    listing.save()
                    extra = [role_types[r] for r in roles if r != role and rng.random() < 0.25][:1]
                    listing.role_types.set([role_types[role], *extra])
                    cert_slugs = rng.choice(content.CERTIFICATIONS[role])
                    listing.certifications.set([certifications[s] for s in cert_slugs])
                    self._walk_to(listing, state, accounts)
                    created += 1
                self._refresh_dates(listing, rng, state)
                number += 1
        return created

    @staticmethod
    def _title(role, topics, j, role_count, used_titles):
        templates = content.TITLES[role]
        k = j // role_count
        candidates = [
            (templates[(k + a) % len(templates)], topics[(j + k + b) % len(topics)])
            for a in range(len(templates))
            for b in range(len(topics))
        ]
        for template, topic in candidates:
            title = template.format(topic=topic)
            title = title[0].upper() + title[1:]
            if title not in used_titles:
                used_titles.add(title)
                return title, topic
        raise CommandError(f"Not enough distinct demo titles for {role}.")

    @staticmethod
    def _fields(rng, lab, role, topic) -> dict:
        if role == "phlebotomist":
            compensation = rng.choice([Compensation.PAID] * 3 + [Compensation.VOLUNTEER])
        else:
            compensation = rng.choice(
                [Compensation.PAID] * 4
                + [Compensation.STIPEND] * 2
                + [Compensation.CREDIT] * 2
                + [Compensation.VOLUNTEER] * 2
            )
        schedules = rng.sample(
            [Schedule.WEEKDAYS, Schedule.EVENINGS, Schedule.WEEKENDS, Schedule.FLEXIBLE],
            rng.choice([1, 1, 2]),
        )
        if rng.random() < 0.15:
            schedules = [Schedule.SUMMER]
            hours_min, hours_max = 35, 40
        else:
            hours_min = rng.choice([4, 6, 8, 10, 12, 15, 20])
            hours_max = min(hours_min + rng.choice([0, 4, 6, 10]), 40)
        if role == "data-analyst":
            work_mode = rng.choice([WorkMode.REMOTE, WorkMode.HYBRID, WorkMode.ON_SITE])
        else:
            work_mode = rng.choice([WorkMode.ON_SITE] * 5 + [WorkMode.HYBRID])
        external = rng.random() < 0.15
        learning = rng.sample(content.LEARNING[role], 3)
        description = (
            content.OPENERS[role].format(topic=topic)
            + f"\n\n{lab.description}\n\n**What you will learn**\n\n"
            + "\n".join(f"- {item.capitalize()}" for item in learning)
            + f"\n\n{rng.choice(content.CLOSERS)}"
        )
        return {
            "description": description,
            "responsibilities": "\n".join(
                f"- {item}" for item in rng.sample(content.RESPONSIBILITIES[role], 4)
            ),
            "skills": rng.sample(content.SKILLS[role], 3),
            "levels": sorted(rng.sample(Program.values, rng.randint(2, 5))),
            "compensation": compensation,
            "pay_rate": Decimal(rng.randint(1500, 2400)) / 100
            if compensation == Compensation.PAID
            else None,
            "hours_min": hours_min,
            "hours_max": hours_max,
            "schedules": schedules,
            "duration_months": rng.choice([None, 3, 6, 12]),
            "work_mode": work_mode,
            "openings": rng.choice([1, 1, 1, 2, 3]),
            "benefits": rng.sample(Benefit.values, rng.randint(1, 4)),
            "apply_method": ApplyMethod.EXTERNAL if external else ApplyMethod.LABJOBS,
            "apply_url": f"{lab.website}/apply" if external else "",
        }

    @staticmethod
    def _walk_to(listing: Listing, state: str, accounts) -> None:
        """Move a new listing to its demo state through the real transitions."""
        staff, moderator = accounts["staff"], accounts["moderator"]
        if state == DRAFT:
            return
        listing.submit(by=staff)
        if state == PENDING:
            return
        if state == REJECTED:
            listing.reject(
                by=moderator,
                reason="Compensation details are missing or unclear. Please state the hourly rate.",
            )
            return
        listing.approve(by=moderator)
        if state == CLOSED:
            listing.close(by=staff, reason=Listing.CloseReason.FILLED.label)
        elif state == EXPIRED:
            listing.expire()

    @staticmethod
    def _refresh_dates(listing: Listing, rng, state: str) -> None:
        """Dates relative to today, so the demo stays fresh whenever it is loaded."""
        now = timezone.now()
        today = timezone.localdate()
        posted_days_ago = rng.randint(0, 45)
        deadline = None if rng.random() < 0.3 else today + timedelta(days=rng.randint(3, 75))
        start = None if rng.random() < 0.3 else today + timedelta(days=rng.randint(14, 90))
        dates = {"deadline": deadline, "start_date": start}
        if state in (PUBLISHED, CLOSED):
            dates["published_at"] = now - timedelta(days=posted_days_ago, hours=rng.randint(0, 23))
            dates["expires_at"] = dates["published_at"] + timedelta(
                days=settings.LISTING_DEFAULT_LIFETIME_DAYS
            )
        elif state == EXPIRED:
            dates["published_at"] = now - timedelta(days=75)
            dates["expires_at"] = now - timedelta(days=15)
            dates["deadline"] = today - timedelta(days=20)
        elif state in (PENDING, REJECTED):
            dates["submitted_at"] = now - timedelta(
                days=rng.randint(0, 6), hours=rng.randint(1, 20)
            )
        if listing.status == state:
            Listing.objects.filter(pk=listing.pk).update(**dates)
