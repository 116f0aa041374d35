"""A partial index of running clocks by region and deadline, for the console's overdue count."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("supervision", "0007_carded_clock_index"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="clock",
            index=models.Index(
                condition=models.Q(("paused_at__isnull", True), ("stopped_at__isnull", True)),
                fields=["region_code", "due_at"],
                include=("event",),
                name="clock_running_region_due_idx",
            ),
        ),
    ]
