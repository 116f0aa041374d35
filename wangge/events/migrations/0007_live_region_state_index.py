"""A partial index of live events by region, covering the console's counts and the map."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("events", "0006_first_call_index"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="event",
            index=models.Index(
                condition=models.Q(
                    (
                        "state__in",
                        (
                            "reported",
                            "accepted",
                            "verifying",
                            "dispatched",
                            "handling",
                            "submitted",
                            "suspended",
                            "shelved",
                        ),
                    )
                ),
                fields=["region_code", "state"],
                include=("id", "lon", "lat", "priority", "grid", "region"),
                name="event_live_region_state_idx",
            ),
        ),
    ]
