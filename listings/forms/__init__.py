"""Forms of the listings app: moderation, applying and tracking, saved searches,
posting and managing listings, and lab-staff sign-up; the forms about one applicant
(moves, interviews, messages, the lab's review) are in `applicants`."""

from django import forms
from django.db import models, transaction
from django.utils import timezone

from accounts.forms import CommaSeparatedField, CVUploadField, NamedSignupForm
from accounts.models import Program

from ..models import (
    INQUIRY_MAX,
    TEXT_MAX,
    AlertFrequency,
    ApplyMethod,
    Benefit,
    Certification,
    CloseReason,
    Compensation,
    Institution,
    Lab,
    Listing,
    RoleType,
    Schedule,
)
from ..services.labs import lab_staff_join
from .applicants import (
    NOT_SELECTED_TEMPLATE,
    ApplicantMoveForm,
    ApplicantReviewForm,
    BulkNotSelectedForm,
    InterviewForm,
    MessageForm,
)

# Canned reasons save moderators typing; the poster sees the reason as written here.
REJECTION_REASONS = [
    ("incomplete", "The description is incomplete: say what the work is and what you expect."),
    ("not_lab", "This is not a laboratory or research position for students."),
    ("duplicate", "This duplicates a listing that is already posted."),
    ("compensation", "Compensation details are missing or unclear."),
    ("contact", "Personal contact details belong in the application process, not the text."),
    ("other", "Other (explain below)"),
]


class RejectionForm(forms.Form):
    canned_reason = forms.ChoiceField(
        label="Reason",
        choices=[("", "Choose a reason…"), *REJECTION_REASONS],
        required=False,
    )
    details = forms.CharField(
        label="Details for the poster",
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        max_length=2000,
        help_text="Required with “Other”; optional otherwise. The poster sees this.",
    )

    def clean(self):
        cleaned = super().clean()
        canned = cleaned.get("canned_reason")
        details = (cleaned.get("details") or "").strip()
        if not canned and not details:
            raise forms.ValidationError("A rejection needs a reason: choose one or write your own.")
        if canned == "other" and not details:
            self.add_error("details", "Explain the reason when you choose “Other”.")
        return cleaned

    @property
    def reason(self) -> str:
        """The reason as the poster will read it."""
        canned = self.cleaned_data.get("canned_reason")
        details = (self.cleaned_data.get("details") or "").strip()
        parts = []
        if canned and canned != "other":
            parts.append(dict(REJECTION_REASONS)[canned])
        if details:
            parts.append(details)
        return " ".join(parts)


class ApplicationForm(forms.Form):
    """The apply page: a cover letter for this listing and which CV to send."""

    CV_PROFILE = "profile"
    CV_UPLOAD = "upload"
    CV_DRAFT = "draft"

    cover_letter = forms.CharField(
        label="Cover letter",
        widget=forms.Textarea(attrs={"rows": 16}),
        required=False,
        max_length=TEXT_MAX,
        help_text="Say why this lab and this work; mention the skills the listing asks for.",
    )
    cv_choice = forms.ChoiceField(label="CV", widget=forms.RadioSelect, required=False)
    cv_upload = CVUploadField(label="A CV for this application (PDF, at most 5 MB)")
    version = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, profile_cv_name: str = "", draft_cv_name: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        choices = []
        if draft_cv_name:
            choices.append((self.CV_DRAFT, f"The CV attached to this draft ({draft_cv_name})"))
        if profile_cv_name:
            choices.append((self.CV_PROFILE, f"My profile CV ({profile_cv_name})"))
        choices.append((self.CV_UPLOAD, "Upload a CV for this application only"))
        self.fields["cv_choice"].choices = choices
        self.fields["cv_choice"].initial = choices[0][0]

    def clean_cover_letter(self):
        return self.cleaned_data["cover_letter"].replace("\r\n", "\n")

    def clean(self):
        cleaned = super().clean()
        choice = cleaned.get("cv_choice")
        if (
            choice == self.CV_UPLOAD
            and not cleaned.get("cv_upload")
            and "cv_upload" not in self.errors
        ):
            self.add_error("cv_upload", "Choose a PDF to upload, or pick another CV.")
        return cleaned


class TrackingForm(forms.Form):
    notes = forms.CharField(
        label="Private notes",
        widget=forms.Textarea(attrs={"rows": 5}),
        required=False,
        max_length=TEXT_MAX,
        help_text="Only you see these: names, dates, what to ask.",
    )
    follow_up_on = forms.DateField(
        label="Follow up on",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="We email you that day; the tracker marks it as due.",
    )


class SavedSearchForm(forms.Form):
    name = forms.CharField(label="Name", max_length=120, required=False)
    frequency = forms.ChoiceField(
        label="Email me new listings", choices=AlertFrequency.choices,
        initial=AlertFrequency.DAILY,
    )  # fmt: skip
    query = forms.CharField(widget=forms.HiddenInput, required=False, max_length=2000)


# -- lab staff -------------------------------------------------------------------------

CHECKBOXES = forms.CheckboxSelectMultiple


def https_urls(field, **kwargs):
    """Model fields to form fields; links typed without a scheme get https://."""
    if isinstance(field, models.URLField):
        kwargs["assume_scheme"] = "https"
    return field.formfield(**kwargs)


class ListingForm(forms.ModelForm):
    """Create or edit a listing. Only the title is needed to save a draft: what a
    listing needs before it is submitted is checked on submission
    (`Listing.missing_to_submit`). Dates are never in the past, and the database's
    constraints that span fields (hours, pay only when paid, a link only for external
    applications) are checked here and shown on the field they concern."""

    role_types = forms.ModelMultipleChoiceField(
        queryset=RoleType.objects.all(), widget=CHECKBOXES, label="Role types", required=False
    )
    certifications = forms.ModelMultipleChoiceField(
        queryset=Certification.objects.all(), widget=CHECKBOXES, required=False,
        label="Required certifications",
    )  # fmt: skip
    levels = forms.MultipleChoiceField(
        choices=Program.choices, widget=CHECKBOXES, label="Student levels eligible",
        required=False,
    )  # fmt: skip
    schedules = forms.MultipleChoiceField(
        choices=Schedule.choices, widget=CHECKBOXES, required=False
    )
    benefits = forms.MultipleChoiceField(choices=Benefit.choices, widget=CHECKBOXES, required=False)
    skills = CommaSeparatedField(
        forms.CharField(max_length=80, required=False), required=False, max_length=30,
        label="Skills sought", help_text="Comma-separated: attention to detail, pipetting, …",
    )  # fmt: skip
    version = forms.CharField(widget=forms.HiddenInput, required=False)
    form_token = forms.UUIDField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Listing
        formfield_callback = https_urls
        fields = [
            "title", "role_types", "description", "responsibilities", "skills",
            "certifications", "levels", "compensation", "pay_rate", "hours_min", "hours_max",
            "schedules", "start_date", "duration_months", "work_mode", "deadline", "openings",
            "benefits", "apply_method", "apply_url",
        ]  # fmt: skip
        widgets = {
            "description": forms.Textarea(attrs={"rows": 10}),
            "responsibilities": forms.Textarea(attrs={"rows": 6}),
            "start_date": forms.DateInput(attrs={"type": "date"}),
            "deadline": forms.DateInput(attrs={"type": "date"}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["compensation"].choices = [("", "Choose…"), *Compensation.choices]
        self.fields["description"].help_text = (
            "Formatting: **bold**, *italics*, a line starting with “- ” for a list item, "
            "[a link](https://example.edu). Say what the work is, what a student learns "
            "and what you expect."
        )
        self.fields[
            "apply_url"
        ].help_text = "Only when students apply on another site (“How students apply”: external)."
        today = timezone.localdate().isoformat()
        for name in ("start_date", "deadline"):
            self.fields[name].widget.attrs["min"] = today

    def _not_past(self, name: str, what: str):
        value = self.cleaned_data.get(name)
        if value is not None and value < timezone.localdate():
            raise forms.ValidationError(f"{what} has passed; choose today or a later date.")
        return value

    def clean_deadline(self):
        return self._not_past("deadline", "This deadline")

    def clean_start_date(self):
        return self._not_past("start_date", "This start date")

    def clean(self):
        cleaned = super().clean()
        low, high = cleaned.get("hours_min"), cleaned.get("hours_max")
        for name in ("hours_min", "hours_max"):
            value = cleaned.get(name)
            if value is not None and not 1 <= value <= 80:
                self.add_error(name, "Hours per week go from 1 to 80.")
        if low is not None and high is not None and low > high and not self.has_error("hours_max"):
            self.add_error("hours_max", "The maximum cannot be below the minimum.")
        paid = cleaned.get("compensation") == Compensation.PAID
        if paid and not cleaned.get("pay_rate") and not self.has_error("pay_rate"):
            self.add_error("pay_rate", "A paid listing needs its hourly rate.")
        if not paid and cleaned.get("pay_rate"):
            self.add_error(
                "pay_rate", "Only a paid listing has a pay rate: clear it, or choose Paid."
            )
        external = cleaned.get("apply_method") == ApplyMethod.EXTERNAL
        if external and not cleaned.get("apply_url") and not self.has_error("apply_url"):
            self.add_error("apply_url", "Give the link where students apply.")
        if not external and cleaned.get("apply_url"):
            self.add_error("apply_url", "Only external applications have a link: clear it.")
        return cleaned

    def flag_missing(self, missing: list[tuple[str, str]]) -> None:
        """Mark the fields a submission still needs (`Listing.missing_to_submit`)."""
        for name, label in missing:
            self.add_error(name, f"{label}: needed before the listing is submitted.")


class CloseForm(forms.Form):
    reason = forms.ChoiceField(
        label="Why does it close?", choices=CloseReason.choices, widget=forms.RadioSelect
    )


class InquiryForm(forms.Form):
    message = forms.CharField(
        label="Your message", max_length=INQUIRY_MAX, widget=forms.Textarea(attrs={"rows": 6}),
        help_text="Who you are, what draws you to this lab, when you could start. The lab "
        "replies to your email address.",
    )  # fmt: skip


class LabSettingsForm(forms.ModelForm):
    class Meta:
        model = Lab
        formfield_callback = https_urls
        fields = ["open_to_inquiries", "description", "website"]
        widgets = {"description": forms.Textarea(attrs={"rows": 6})}


class LabStaffSignupForm(NamedSignupForm):
    """Sign-up for lab staff: join a lab listed here, or ask for a new one (hidden
    until an admin approves it). Account, email address, staff profile and any new lab
    are written together."""

    signup_role = "lab_staff"
    field_order = [
        "first_name", "last_name", "email", "password1", "password2", "title", "lab",
        "new_lab_name", "new_lab_institution", "new_lab_city",
    ]  # fmt: skip
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
        with transaction.atomic():
            user = super().save(request)
            user.first_name = self.cleaned_data["first_name"]
            user.last_name = self.cleaned_data["last_name"]
            user.save(update_fields=["first_name", "last_name"])
            lab = self.cleaned_data.get("lab")
            new_lab = None
            if lab is None:
                new_lab = {
                    "name": self.cleaned_data["new_lab_name"],
                    "institution": self.cleaned_data["new_lab_institution"],
                    "city": self.cleaned_data["new_lab_city"],
                }
            lab_staff_join(user=user, title=self.cleaned_data["title"], lab=lab, new_lab=new_lab)
        return user


__all__ = [
    "NOT_SELECTED_TEMPLATE", "ApplicantMoveForm", "ApplicantReviewForm", "ApplicationForm",
    "BulkNotSelectedForm", "CloseForm", "InquiryForm", "InterviewForm", "LabSettingsForm",
    "LabStaffSignupForm", "ListingForm", "MessageForm", "RejectionForm", "SavedSearchForm",
    "TrackingForm",
]  # fmt: skip
