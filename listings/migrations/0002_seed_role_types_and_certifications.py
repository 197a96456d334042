"""Seed the role types and certifications that every LabJobs site starts with."""

from django.db import migrations

ROLE_TYPES = [
    (
        "research-assistant",
        "Research Assistant",
        "Data collection, sample processing and literature reviews for a research group.",
    ),
    (
        "lab-technician",
        "Lab Technician",
        "Diagnostic tests, sample preparation and equipment upkeep.",
    ),
    (
        "phlebotomist",
        "Phlebotomist",
        "Drawing blood, patient interaction and specimen handling.",
    ),
    (
        "pathology-assistant",
        "Pathology Assistant",
        "Assisting pathologists with grossing, and learning disease mechanisms and "
        "diagnostic procedures.",
    ),
    (
        "clinical-research-coordinator",
        "Clinical Research Coordinator",
        "Consenting and scheduling study participants, keeping case report forms and "
        "regulatory binders in order.",
    ),
    (
        "data-analyst",
        "Data Analyst",
        "Cleaning, analysing and visualising study data in R, Python or REDCap.",
    ),
]

CERTIFICATIONS = [
    ("bls-cpr", "BLS/CPR", "Basic Life Support / CPR card (American Heart Association or equivalent)."),
    ("citi-human-subjects", "CITI human subjects", "CITI Program human subjects research training."),
    (
        "bloodborne-pathogens",
        "Bloodborne pathogens",
        "OSHA bloodborne pathogens training.",
    ),
    ("hipaa", "HIPAA", "HIPAA privacy and security training."),
    (
        "phlebotomy-certification",
        "Phlebotomy certification",
        "A national phlebotomy technician certification (e.g. NHA CPT, ASCP PBT).",
    ),
]


def seed(apps, schema_editor):
    RoleType = apps.get_model("listings", "RoleType")
    Certification = apps.get_model("listings", "Certification")
    for position, (slug, name, description) in enumerate(ROLE_TYPES):
        RoleType.objects.update_or_create(
            slug=slug, defaults={"name": name, "description": description, "position": position}
        )
    for slug, name, description in CERTIFICATIONS:
        Certification.objects.update_or_create(
            slug=slug, defaults={"name": name, "description": description}
        )


def unseed(apps, schema_editor):
    apps.get_model("listings", "RoleType").objects.filter(
        slug__in=[slug for slug, *_ in ROLE_TYPES], listings__isnull=True
    ).delete()
    apps.get_model("listings", "Certification").objects.filter(
        slug__in=[slug for slug, *_ in CERTIFICATIONS], listings__isnull=True
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("listings", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
