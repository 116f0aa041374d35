"""The clocks, holidays and ladder rules now belong to events (events 0009); the tables stay."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("events", "0009_clocks_from_supervision"),
        ("supervision", "0008_running_region_due_index"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveField(
                    model_name="clock",
                    name="event",
                ),
                migrations.RemoveField(
                    model_name="clock",
                    name="event_category",
                ),
                migrations.RemoveField(
                    model_name="clock",
                    name="unit",
                ),
                migrations.AlterField(
                    model_name="supervisioncard",
                    name="clock",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="cards",
                        to="events.clock",
                    ),
                ),
                migrations.DeleteModel(
                    name="Holiday",
                ),
                migrations.DeleteModel(
                    name="SupervisionRule",
                ),
                migrations.DeleteModel(
                    name="Clock",
                ),
            ],
            database_operations=[],
        ),
    ]
