"""A copy of the event's region code on each trail entry, for the assessment metrics."""

from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def backfill_region_code(apps, schema_editor):
    """Copy each existing entry's event region code (an event never changes region)."""
    event = apps.get_model("events", "Event")
    trail = apps.get_model("events", "TrailEntry")
    code = event.objects.filter(pk=OuterRef("event_id")).values("region_code")[:1]
    trail.objects.update(region_code=Subquery(code))


class Migration(migrations.Migration):
    dependencies = [
        ("events", "0004_event_metrics_facts"),
    ]

    operations = [
        migrations.AddField(
            model_name="trailentry",
            name="region_code",
            field=models.CharField(default="", editable=False, max_length=12),
            preserve_default=False,
        ),
        migrations.RunPython(backfill_region_code, migrations.RunPython.noop),
        migrations.RemoveIndex(
            model_name="trailentry",
            name="trail_action_created_idx",
        ),
        migrations.AddIndex(
            model_name="trailentry",
            index=models.Index(
                fields=["action", "created_at", "region_code", "event"],
                name="trail_action_region_idx",
            ),
        ),
    ]
