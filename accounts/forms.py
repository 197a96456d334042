"""Sign-up, the student profile (with certifications and CV), and account deletion."""

import os

from allauth.account.forms import SignupForm
from django import forms
from django.conf import settings
from django.contrib.postgres.forms import SimpleArrayField
from django.db import transaction
from django.utils.text import get_valid_filename

from .models import Program, StudentCertification, StudentProfile

PDF_HEADER = b"%PDF-"
PDF_TRAILER = b"%%EOF"
PDF_ACCEPT = "application/pdf,.pdf"  # a hint for the file picker; the bytes decide
MAX_SKILLS = 30


def clean_cv(upload) -> tuple:
    """Check an uploaded CV by its content: a PDF of at most CV_MAX_BYTES.

    Returns (the upload, a display name). The file's own name and its declared
    content type are not trusted: a renamed program is refused by its bytes.
    """
    limit = settings.CV_MAX_BYTES
    if upload.size > limit:
        raise forms.ValidationError(
            f"This file is {upload.size / 1024 / 1024:.1f} MB; a CV may be at most "
            f"{limit // 1024 // 1024} MB."
        )
    if upload.size == 0:
        raise forms.ValidationError("This file is empty.")
    upload.seek(0)
    head = upload.read(1024)
    upload.seek(max(0, upload.size - 2048))
    tail = upload.read()
    upload.seek(0)
    # A PDF starts with "%PDF-" and its last part holds "%%EOF" (ISO 32000-1, 7.5).
    if not head.startswith(PDF_HEADER) or PDF_TRAILER not in tail:
        raise forms.ValidationError("A CV must be a PDF file. Save or export it as PDF and retry.")
    return upload, display_filename(upload.name)


def display_filename(name: str) -> str:
    """A harmless name to show and to offer on download: "My CV (final).pdf" ->
    "My_CV_final.pdf"; never a path, never over 100 characters."""
    stem = os.path.splitext(os.path.basename(name or ""))[0].replace("\x00", "")[:90]
    try:
        stem = get_valid_filename(stem)
    except Exception:  # noqa: BLE001 - Django raises SuspiciousFileOperation for "", ".", ".."
        stem = "CV"
    return f"{stem or 'CV'}.pdf"


class CVUploadField(forms.FileField):
    """An optional CV upload, validated by `clean_cv`; cleans to (file, display name)."""

    def __init__(self, *, label="CV (PDF, at most 5 MB)", **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault(
            "widget", forms.ClearableFileInput(attrs={"accept": "application/pdf,.pdf"})
        )
        super().__init__(label=label, **kwargs)

    def clean(self, data, initial=None):
        upload = super().clean(data, initial)
        return clean_cv(upload) if upload else None


class CommaSeparatedField(SimpleArrayField):
    """A list typed as "a, b, c" and shown the same way (with spaces). Empty items and
    repeats are dropped: "pipetting, , REDCap, Pipetting" -> ["pipetting", "REDCap"]."""

    def prepare_value(self, value):
        return ", ".join(value) if isinstance(value, list) else value

    def clean(self, value):
        seen, items = set(), []
        for item in super().clean(value) or []:
            if item and item.lower() not in seen:
                seen.add(item.lower())
                items.append(item)
        return items


class StudentSignupForm(SignupForm):
    """allauth's sign-up form plus the student's program; the account, its profile
    and its email address are written together or not at all."""

    field_order = ["email", "password1", "password2", "program", "graduation_year"]
    program = forms.ChoiceField(label="Program and level", choices=Program.choices)
    graduation_year = forms.IntegerField(
        label="Expected graduation year", min_value=1950, max_value=2100, required=False
    )

    def save(self, request):
        with transaction.atomic():
            user = super().save(request)
            StudentProfile.objects.create(
                user=user,
                program=self.cleaned_data["program"],
                graduation_year=self.cleaned_data.get("graduation_year"),
            )
        return user


class LabStaffSignupForm(SignupForm):
    """Sign-up for lab staff: join a lab listed here, or ask for a new one (hidden
    until an admin approves it). Account, email address, staff profile and any new lab
    are written together."""

    signup_role = "lab_staff"
    field_order = [
        "first_name", "last_name", "email", "password1", "password2", "title", "lab",
        "new_lab_name", "new_lab_institution", "new_lab_city",
    ]  # fmt: skip
    first_name = forms.CharField(label="First name", max_length=150)
    last_name = forms.CharField(label="Last name", max_length=150)
    title = forms.CharField(
        label="Your role in the lab", max_length=120, help_text="e.g. PI, lab manager"
    )
    lab = forms.ModelChoiceField(
        label="Your lab", required=False, empty_label="My lab is not listed",
        queryset=None, help_text="Staff with an address on the lab's email domain are "
        "verified as soon as they confirm it; others are verified by an admin.",
    )  # fmt: skip
    new_lab_name = forms.CharField(label="New lab's name", max_length=200, required=False)
    new_lab_institution = forms.ModelChoiceField(
        label="New lab's institution", required=False, queryset=None
    )
    new_lab_city = forms.CharField(label="New lab's city", max_length=100, required=False)

    def __init__(self, *args, **kwargs):
        from listings.models import Institution, Lab

        super().__init__(*args, **kwargs)
        self.fields["lab"].queryset = Lab.objects.filter(approved=True).select_related(
            "institution"
        )
        self.fields["new_lab_institution"].queryset = Institution.objects.all()

    def clean(self):
        cleaned = super().clean()
        new_lab = [cleaned.get(f) for f in ("new_lab_name", "new_lab_institution", "new_lab_city")]
        if cleaned.get("lab") and any(new_lab):
            raise forms.ValidationError("Choose your lab, or describe a new one, not both.")
        if not cleaned.get("lab") and not all(new_lab):
            raise forms.ValidationError(
                "Choose your lab from the list, or give the new lab's name, institution and city."
            )
        return cleaned

    def save(self, request):
        from django.utils.text import slugify

        from listings.models import Lab

        from .models import LabStaffProfile

        with transaction.atomic():
            user = super().save(request)
            user.first_name = self.cleaned_data["first_name"]
            user.last_name = self.cleaned_data["last_name"]
            user.save(update_fields=["first_name", "last_name"])
            lab = self.cleaned_data.get("lab")
            if lab is None:
                name = self.cleaned_data["new_lab_name"]
                base = slugify(name)[:60] or "lab"
                slug, n = base, 1
                while Lab.objects.filter(slug=slug).exists():
                    n += 1
                    slug = f"{base}-{n}"
                lab = Lab.objects.create(
                    name=name, slug=slug, institution=self.cleaned_data["new_lab_institution"],
                    city=self.cleaned_data["new_lab_city"], approved=False, requested_by=user,
                )  # fmt: skip
            LabStaffProfile.objects.create(user=user, lab=lab, title=self.cleaned_data["title"])
        return user


class StudentProfileForm(forms.ModelForm):
    skills = CommaSeparatedField(
        forms.CharField(max_length=80, required=False),
        required=False,
        max_length=MAX_SKILLS,
        help_text="Comma-separated, e.g. pipetting, REDCap, phlebotomy.",
    )
    cv_upload = CVUploadField(
        help_text="Replaces your current CV. Applications you already sent keep theirs."
    )

    class Meta:
        model = StudentProfile
        fields = ["program", "graduation_year", "skills"]
        labels = {"program": "Program and level"}


class StudentCertificationForm(forms.ModelForm):
    class Meta:
        model = StudentCertification
        fields = ["certification", "expires_on"]
        widgets = {"expires_on": forms.DateInput(attrs={"type": "date"})}

    def __init__(self, *args, certification_choices=None, **kwargs):
        super().__init__(*args, **kwargs)
        if certification_choices is not None:  # read once for all rows, not once a row
            self.fields["certification"].choices = certification_choices


def certification_formset(data=None, *, instance):
    """The profile's certifications, in a fixed number of queries however many rows."""
    from listings.models import Certification

    choices = [("", "---------"), *Certification.objects.values_list("pk", "name")]
    return CertificationFormSet(
        data,
        instance=instance,
        prefix="certs",
        queryset=StudentCertification.objects.select_related("certification"),
        form_kwargs={"certification_choices": choices},
    )


CertificationFormSet = forms.inlineformset_factory(
    StudentProfile,
    StudentCertification,
    form=StudentCertificationForm,
    extra=2,
    max_num=20,
    validate_max=True,
    can_delete=True,
)


class AccountDeleteForm(forms.Form):
    password = forms.CharField(
        label="Your password",
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        strip=False,
    )

    def __init__(self, *args, user, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError("That is not your password.")
        return password
