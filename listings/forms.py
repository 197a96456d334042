"""Forms of the listings app."""

from django import forms

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
