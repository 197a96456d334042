"""The outbox in the admin: every email with its status, tries and last error (never
its text); failed ones can be sent again. (The queue's jobs are under Procrastinate.)"""

from django.contrib import admin, messages

from .mail import send_again
from .models import OutgoingEmail


@admin.register(OutgoingEmail)
class OutgoingEmailAdmin(admin.ModelAdmin):
    list_display = ["subject", "recipients", "status", "attempts", "created_at", "sent_at",
                    "last_error"]  # fmt: skip
    list_filter = ["status", "created_at"]
    search_fields = ["subject", "to"]
    # Never the text: a waiting email may hold someone's sign-in or reset link.
    fields = ["subject", "from_email", "to", "reply_to", "status", "attempts", "last_error",
              "created_at", "sent_at"]  # fmt: skip
    readonly_fields = fields
    actions = ["send_again_action"]

    @admin.display(description="To")
    def recipients(self, email):
        return ", ".join(email.to)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.action(description="Send the selected failed emails again", permissions=["view"])
    def send_again_action(self, request, queryset):
        count = send_again(queryset.filter(status=OutgoingEmail.Status.FAILED))
        messages.success(request, f"Queued {count} email{'s' if count != 1 else ''} again.")
