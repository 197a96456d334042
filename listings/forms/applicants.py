"""Forms about one applicant: the lab's moves, an interview invitation, a message in
either direction, the lab's private rating and notes, the bulk "not selected"."""

from datetime import datetime

from django import forms
from django.utils import timezone

from labjobs.states import LAB

from ..models import MESSAGE_MAX, TEXT_MAX, ApplicantReview
from ..models.states import APPLICATION_MOVES

CHECKBOXES = forms.CheckboxSelectMultiple


class ApplicantMoveForm(forms.Form):
    # An invitation carries a date, a time and a place: it has a form of its own.
    move = forms.ChoiceField(
        label="New status",
        choices=[c for c in APPLICATION_MOVES.choices(LAB) if c[0] != "invite_to_interview"],
    )
    note = forms.CharField(
        label="Message to the student (optional)", required=False, max_length=MESSAGE_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
    )  # fmt: skip


class InterviewForm(forms.Form):
    """An interview invitation: a day and time (in the site's time zone), a length, a
    place (a room, or a video-call link) and a message."""

    day = forms.DateField(
        label="Date", widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"required": "Choose the day."},
    )  # fmt: skip
    time = forms.TimeField(
        label="Time", widget=forms.TimeInput(attrs={"type": "time"}),
        error_messages={"required": "Choose the time.", "invalid": "Enter a time like 14:30."},
    )  # fmt: skip
    duration_minutes = forms.TypedChoiceField(
        label="Length", coerce=int, initial=30,
        choices=[(15, "15 minutes"), (30, "30 minutes"), (45, "45 minutes"), (60, "1 hour"),
                 (90, "1½ hours"), (120, "2 hours"), (240, "Half a day")],
    )  # fmt: skip
    place = forms.CharField(
        label="Place", max_length=200,
        help_text="Room and building, or a video-call link (https://…).",
        error_messages={"required": "Say where: a room and building, or a video-call link."},
    )  # fmt: skip
    details = forms.CharField(
        label="Message to the student (optional)", required=False, max_length=MESSAGE_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="What to bring, whom to ask for at the front desk.",
    )  # fmt: skip

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["day"].widget.attrs["min"] = timezone.localdate().isoformat()

    def clean(self):
        data = super().clean()
        if data.get("day") and data.get("time"):
            starts_at = timezone.make_aware(
                datetime.combine(data["day"], data["time"]), timezone.get_current_timezone()
            )
            if starts_at <= timezone.now():
                self.add_error("day", "Choose a date and time in the future.")
            data["starts_at"] = starts_at
        return data


class ApplicantReviewForm(forms.ModelForm):
    """The lab's rating and notes on an applicant (never shown to the student)."""

    class Meta:
        model = ApplicantReview
        fields = ["rating", "notes"]
        widgets = {
            "rating": forms.RadioSelect,
            "notes": forms.Textarea(attrs={"rows": 4, "maxlength": TEXT_MAX}),
        }
        labels = {"rating": "Your lab's rating", "notes": "Notes for your lab's staff"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["rating"].choices = [("", "Not rated"), *[(n, str(n)) for n in range(1, 6)]]


class MessageForm(forms.Form):
    body = forms.CharField(
        label="Message", max_length=MESSAGE_MAX, widget=forms.Textarea(attrs={"rows": 4})
    )


NOT_SELECTED_TEMPLATE = (
    "Thank you for applying. We received many strong applications and have decided not "
    "to move forward with yours for this position. We wish you the best in your search."
)


class BulkNotSelectedForm(forms.Form):
    applications = forms.TypedMultipleChoiceField(coerce=int, widget=CHECKBOXES)
    note = forms.CharField(
        label="Message to each student", max_length=MESSAGE_MAX, initial=NOT_SELECTED_TEMPLATE,
        widget=forms.Textarea(attrs={"rows": 4}),
    )  # fmt: skip

    def __init__(self, *args, application_ids=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["applications"].choices = [(pk, pk) for pk in application_ids]
