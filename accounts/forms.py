"""Sign-up, the student profile (with certifications and CV), and account deletion."""

import os

from allauth.account.adapter import get_adapter
from allauth.account.forms import AddEmailForm, LoginForm, ResetPasswordForm, SignupForm
from allauth.account.models import EmailAddress
from django import forms
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.postgres.forms import SimpleArrayField
from django.db import transaction
from django.utils.text import get_valid_filename

from .identity import email_key
from .models import Program, StudentCertification, StudentProfile, User
from .pdf import UnreadablePDF, active_content

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
    try:
        active = active_content(upload)
    except UnreadablePDF as unreadable:
        raise forms.ValidationError(
            "This PDF could not be read. Export it again from your word processor and retry."
        ) from unreadable
    if active:
        raise forms.ValidationError(
            f"This PDF contains {active}, which LabJobs does not pass on to labs. Export "
            "your CV again as a plain PDF (File › Export or Print › Save as PDF) and retry."
        )
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


PROGRAM_CHOICES = [("", "Choose your program and level"), *Program.choices]


class EvenSignupForm(SignupForm):
    """allauth's sign-up form, costing the same whether or not the address has an
    account: the new account's password is hashed (the slow part), so the taken
    address's password is hashed too and thrown away. Otherwise the answer's timing
    would tell which addresses have accounts (allauth's pages already say the same)."""

    def clean(self):
        cleaned = super().clean()
        if getattr(self, "account_already_exists", False) and cleaned.get("password1"):
            make_password(cleaned["password1"])
        return cleaned


class NamedSignupForm(EvenSignupForm):
    """Sign-up with the person's name: labs see it on applications and messages."""

    first_name = forms.CharField(label="First name", max_length=150)
    last_name = forms.CharField(label="Last name", max_length=150)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # In plain words (Django's validators describe themselves as an HTML list).
        self.fields["password1"].help_text = (
            "At least 8 characters, not a common password, not only digits and not "
            "like your name or email. A short sentence is easy to remember."
        )


class LabJobsLoginForm(LoginForm):
    """Login by any spelling of the address: the form carries on with the account's
    registered spelling, so the failed-login limit counts one budget per account and
    any confirmation mail goes to the registered address, never to a look-alike."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["password"].help_text = ""  # allauth's is a link; the page has it
        if "remember" in self.fields:
            self.fields["remember"].label = "Keep me logged in on this device"

    def clean_login(self):
        return get_adapter().clean_email(super().clean_login())


class LabJobsResetPasswordForm(ResetPasswordForm):
    """Password reset mail goes to the address the account registered, also when the
    form was given another spelling of it (allauth returns the spelling as typed)."""

    def clean_email(self):
        super().clean_email()
        return get_adapter().clean_email(self.cleaned_data["email"].lower())


class LabJobsAddEmailForm(AddEmailForm):
    """Changing one's address: an address that another account already has (in any
    spelling) is answered like any other, but no confirmation is sent to it and
    nothing is stored, so nobody can mail a confirmation link to someone else's
    address, or learn from the answer that it has an account."""

    def save(self, request):
        address = self.cleaned_data["email"]
        owner = User.objects.filter(email_key=email_key(address)).exclude(pk=self.user.pk)
        if owner.exists():
            return EmailAddress(user=self.user, email=address)  # unsaved: allauth sends nothing
        return super().save(request)


class StudentSignupForm(NamedSignupForm):
    """allauth's sign-up form plus the student's program; the account, its profile
    and its email address are written together or not at all."""

    field_order = [
        "first_name", "last_name", "email", "password1", "password2", "program",
        "graduation_year",
    ]  # fmt: skip
    program = forms.ChoiceField(label="Program and level", choices=PROGRAM_CHOICES)
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
        fields = ["program", "graduation_year", "hours_per_week", "city", "skills"]
        labels = {"program": "Program and level"}
        widgets = {"hours_per_week": forms.NumberInput(attrs={"min": 1, "max": 80})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["program"].choices = PROGRAM_CHOICES


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
    # The certifications catalogue, reached through the relation rather than an import
    # (accounts imports no other app: README, "Where things live").
    certifications = StudentCertification._meta.get_field("certification").related_model
    choices = [("", "Choose a certification"), *certifications.objects.values_list("pk", "name")]
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
    extra=1,  # one empty row; "Add another certification" adds more (or save, without JS)
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
