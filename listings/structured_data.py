"""schema.org JobPosting for a listing page, as JSON-LD that cannot break out of its
<script> element."""

import json
from datetime import datetime, time

from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

from .models import Compensation, WorkMode
from .rendering import render_markdown

# Inside <script>, "</script>" or "<!--" in a title would end or confuse the element;
# JSON allows these characters as \u escapes, which parsers read back unchanged.
_SCRIPT_SAFE = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


def _employment_types(listing) -> list[str]:
    if listing.compensation == Compensation.VOLUNTEER:
        return ["VOLUNTEER"]
    if listing.compensation == Compensation.CREDIT:
        return ["INTERN"]
    return ["FULL_TIME"] if listing.hours_max >= 35 else ["PART_TIME"]


def _valid_through(listing) -> datetime | None:
    ends = [listing.expires_at] if listing.expires_at else []
    if listing.deadline:
        ends.append(timezone.make_aware(datetime.combine(listing.deadline, time(23, 59, 59))))
    return min(ends) if ends else None


def job_posting(listing, *, url: str) -> dict:
    lab = listing.lab
    data = {
        "@context": "https://schema.org/",
        "@type": "JobPosting",
        "title": listing.title,
        "description": str(render_markdown(listing.description)),
        "identifier": {"@type": "PropertyValue", "name": "LabJobs", "value": str(listing.pk)},
        "url": url,
        "datePosted": listing.published_at.isoformat() if listing.published_at else None,
        "validThrough": (vt.isoformat() if (vt := _valid_through(listing)) else None),
        "employmentType": _employment_types(listing),
        "hiringOrganization": {
            "@type": "Organization",
            "name": lab.institution.name,
            "department": {"@type": "Organization", "name": lab.name},
            **({"sameAs": lab.institution.website} if lab.institution.website else {}),
        },
        "jobLocation": {
            "@type": "Place",
            "address": {
                "@type": "PostalAddress",
                "addressLocality": lab.city,
                "addressRegion": lab.region,
                "addressCountry": lab.country,
            },
        },
        "occupationalCategory": ", ".join(r.name for r in listing.role_types.all()),
        "skills": ", ".join(listing.skills),
        "directApply": listing.apply_method == "labjobs",
    }
    if listing.work_mode == WorkMode.REMOTE:
        data["jobLocationType"] = "TELECOMMUTE"
        data["applicantLocationRequirements"] = {"@type": "Country", "name": lab.country}
    if listing.compensation == Compensation.PAID and listing.pay_rate:
        data["baseSalary"] = {
            "@type": "MonetaryAmount",
            "currency": "USD",
            "value": {
                "@type": "QuantitativeValue",
                "value": float(listing.pay_rate),
                "unitText": "HOUR",
            },
        }
    return {key: value for key, value in data.items() if value not in (None, "")}


def job_posting_script(listing, *, url: str) -> SafeString:
    text = json.dumps(job_posting(listing, url=url), ensure_ascii=False).translate(_SCRIPT_SAFE)
    return mark_safe(f'<script type="application/ld+json">{text}</script>')  # noqa: S308
