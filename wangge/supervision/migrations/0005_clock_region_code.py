"""A copy of the event's region code on each clock, for the assessment metrics."""

from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def backfill_region_code(apps, schema_editor):
    """Copy each existing clock's event region code (an event never changes region)."""
    event = apps.get_model("events", "Event")
    clock = apps.get_model("supervision", "Clock")
    code = event.objects.filter(pk=OuterRef("event_id")).values("region_code")[:1]
    clock.objects.update(region_code=Subquery(code))


class Migration(migrations.Migration):
    dependencies = [
        ("events", "0005_trailentry_region_code"),
        ("supervision", "0004_metrics_indexes"),
    ]

    operations = [
        migrations.AddField(
            model_name="clock",
            name="region_code",
            field=models.CharField(default="", editable=False, max_length=12),
            preserve_default=False,
        ),
        migrations.RunPython(backfill_region_code, migrations.RunPython.noop),
        migrations.RemoveIndex(
            model_name="clock",
            name="clock_unmet_due_idx",
        ),
        migrations.AddIndex(
            model_name="clock",
            index=models.Index(
                condition=models.Q(
                    ("stopped_at__isnull", True),
                    ("stopped_at__gt", models.F("due_at")),
                    _connector="OR",
                ),
                fields=["due_at", "region_code", "event"],
                name="clock_unmet_due_region_idx",
            ),
        ),
    ]
