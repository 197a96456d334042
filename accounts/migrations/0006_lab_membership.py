"""Lab membership a lab controls: a status (asked to join, not confirmed, staff,
declined, removed) and a history of who changed it, instead of one "verified" flag."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


def memberships_from_verification(apps, schema_editor):
    """Verified staff stay staff (their verification becomes the first event); the
    founder of a lab not yet approved waits with it; every other unverified account
    becomes a request that the lab's staff or a moderator decide on."""
    Profile = apps.get_model("accounts", "LabStaffProfile")
    Event = apps.get_model("accounts", "LabStaffEvent")
    for profile in Profile.objects.select_related("lab"):
        if profile.verified:
            status, reason = "active", "Verified (before lab membership requests)."
        elif not profile.lab.approved and profile.lab.requested_by_id == profile.user_id:
            status, reason = "unconfirmed", "Asked for this new lab."
        else:
            status, reason = "requested", "Was unverified staff: now a request to join."
        Profile.objects.filter(pk=profile.pk).update(status=status)
        Event.objects.create(
            profile=profile, actor_id=profile.verified_by_id, from_status=status,
            to_status=status, reason=reason,
            created_at=profile.verified_at or django.utils.timezone.now(),
        )


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0005_user_email_key'),
        ('listings', '0014_listing_title_trigram_index'),
    ]

    operations = [
        migrations.CreateModel(
            name='LabStaffEvent',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('from_status', models.CharField(choices=[('requested', 'Asked to join'), ('unconfirmed', 'Not confirmed'), ('active', 'Staff'), ('declined', 'Declined'), ('removed', 'Removed')], max_length=16)),
                ('to_status', models.CharField(choices=[('requested', 'Asked to join'), ('unconfirmed', 'Not confirmed'), ('active', 'Staff'), ('declined', 'Declined'), ('removed', 'Removed')], max_length=16)),
                ('reason', models.TextField(blank=True)),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
            ],
            options={
                'ordering': ['created_at', 'id'],
            },
        ),
        migrations.AddField(
            model_name='labstaffprofile',
            name='created_at',
            field=models.DateTimeField(default=django.utils.timezone.now, editable=False),
        ),
        migrations.AddField(
            model_name='labstaffprofile',
            name='request_announced_at',
            field=models.DateTimeField(blank=True, editable=False, null=True),
        ),
        migrations.AddField(
            model_name='labstaffprofile',
            name='status',
            field=models.CharField(choices=[('requested', 'Asked to join'), ('unconfirmed', 'Not confirmed'), ('active', 'Staff'), ('declined', 'Declined'), ('removed', 'Removed')], default='requested', max_length=16),
        ),
        migrations.AddField(
            model_name='labstaffprofile',
            name='updated_at',
            field=models.DateTimeField(default=django.utils.timezone.now),
        ),
        migrations.AddConstraint(
            model_name='labstaffprofile',
            constraint=models.CheckConstraint(condition=models.Q(('status__in', ['requested', 'unconfirmed', 'active', 'declined', 'removed'])), name='labstaffprofile_status_valid'),
        ),
        migrations.AddField(
            model_name='labstaffevent',
            name='actor',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddField(
            model_name='labstaffevent',
            name='profile',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='events', to='accounts.labstaffprofile'),
        ),
        migrations.RunPython(memberships_from_verification, migrations.RunPython.noop),
        migrations.RemoveField(
            model_name='labstaffprofile',
            name='verified',
        ),
        migrations.RemoveField(
            model_name='labstaffprofile',
            name='verified_at',
        ),
        migrations.RemoveField(
            model_name='labstaffprofile',
            name='verified_by',
        ),
    ]
