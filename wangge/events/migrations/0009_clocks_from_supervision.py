"""The step clocks, the holidays and the ladder rules move from supervision to events, so that
supervision depends on events and not the other way. Their tables keep their names and
rows: only Django's state changes here."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_login_attempt"),
        ("events", "0008_created_region_index_with_grid"),
        ("supervision", "0008_running_region_due_index"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Holiday",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("date", models.DateField(unique=True, verbose_name="日期")),
                        (
                            "is_working_day",
                            models.BooleanField(
                                default=False,
                                help_text="勾选表示调休上班日；不勾选表示放假",
                                verbose_name="上班",
                            ),
                        ),
                        ("name", models.CharField(blank=True, max_length=50, verbose_name="名称")),
                    ],
                    options={
                        "verbose_name": "节假日",
                        "verbose_name_plural": "节假日",
                        "db_table": "supervision_holiday",
                        "ordering": ["date"],
                    },
                ),
                migrations.CreateModel(
                    name="SupervisionRule",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        (
                            "step",
                            models.CharField(
                                choices=[
                                    ("accept", "受理"),
                                    ("verify", "核实"),
                                    ("dispatch", "派遣"),
                                    ("sign", "签收"),
                                    ("handle", "处置"),
                                    ("check", "核查"),
                                ],
                                max_length=16,
                                unique=True,
                                verbose_name="环节",
                            ),
                        ),
                        (
                            "yellow_after_days",
                            models.PositiveSmallIntegerField(verbose_name="超期几个工作日亮黄牌"),
                        ),
                        (
                            "red_after_days",
                            models.PositiveSmallIntegerField(verbose_name="超期几个工作日亮红牌"),
                        ),
                        (
                            "normal_points",
                            models.IntegerField(default=0, verbose_name="普通督办扣分"),
                        ),
                        ("yellow_points", models.IntegerField(default=-5, verbose_name="黄牌扣分")),
                        ("red_points", models.IntegerField(default=-10, verbose_name="红牌扣分")),
                    ],
                    options={
                        "verbose_name": "督办规则",
                        "verbose_name_plural": "督办规则",
                        "db_table": "supervision_supervisionrule",
                        "ordering": ["step"],
                        "constraints": [
                            models.CheckConstraint(
                                condition=models.Q(
                                    ("red_after_days__gt", models.F("yellow_after_days"))
                                ),
                                name="red_after_yellow",
                            )
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="Clock",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("region_code", models.CharField(editable=False, max_length=12)),
                        (
                            "step",
                            models.CharField(
                                choices=[
                                    ("accept", "受理"),
                                    ("verify", "核实"),
                                    ("dispatch", "派遣"),
                                    ("sign", "签收"),
                                    ("handle", "处置"),
                                    ("check", "核查"),
                                ],
                                max_length=16,
                                verbose_name="环节",
                            ),
                        ),
                        ("started_at", models.DateTimeField()),
                        ("due_at", models.DateTimeField()),
                        ("paused_at", models.DateTimeField(blank=True, null=True)),
                        ("stopped_at", models.DateTimeField(blank=True, null=True)),
                        (
                            "card_level",
                            models.CharField(
                                choices=[
                                    ("none", "未督办"),
                                    ("normal", "普通督办"),
                                    ("yellow", "黄牌督办"),
                                    ("red", "红牌督办"),
                                ],
                                default="none",
                                max_length=8,
                            ),
                        ),
                        (
                            "light",
                            models.CharField(
                                choices=[("green", "绿灯"), ("yellow", "黄灯"), ("red", "红灯")],
                                default="green",
                                max_length=8,
                            ),
                        ),
                        ("limit_amount", models.PositiveIntegerField(default=0)),
                        (
                            "limit_unit",
                            models.CharField(
                                choices=[
                                    ("minutes", "分钟"),
                                    ("working_hours", "工作小时"),
                                    ("working_days", "工作日"),
                                ],
                                default="working_days",
                                max_length=16,
                            ),
                        ),
                        ("allowed_seconds", models.FloatField(default=0)),
                        ("next_check_at", models.DateTimeField(blank=True, null=True)),
                        (
                            "event_state",
                            models.CharField(blank=True, editable=False, max_length=16),
                        ),
                        (
                            "event_closed_at",
                            models.DateTimeField(blank=True, editable=False, null=True),
                        ),
                        ("event_accepted", models.BooleanField(default=False, editable=False)),
                        (
                            "event",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="clocks",
                                to="events.event",
                            ),
                        ),
                        (
                            "event_category",
                            models.ForeignKey(
                                blank=True,
                                db_index=False,
                                editable=False,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to="events.category",
                            ),
                        ),
                        (
                            "unit",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="clocks",
                                to="accounts.orgunit",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "环节时限",
                        "verbose_name_plural": "环节时限",
                        "db_table": "supervision_clock",
                        "indexes": [
                            models.Index(
                                condition=models.Q(("next_check_at__isnull", False)),
                                fields=["next_check_at", "id"],
                                name="clock_next_check_pending",
                            ),
                            models.Index(
                                condition=models.Q(
                                    ("stopped_at__isnull", True),
                                    ("stopped_at__gt", models.F("due_at")),
                                    _connector="OR",
                                ),
                                fields=["due_at", "region_code", "event"],
                                name="clock_unmet_due_region_idx",
                            ),
                            models.Index(
                                condition=models.Q(
                                    models.Q(
                                        ("stopped_at__isnull", True),
                                        ("stopped_at__gt", models.F("due_at")),
                                        _connector="OR",
                                    ),
                                    ("event_accepted", True),
                                    (
                                        "event_state__in",
                                        (
                                            "accepted",
                                            "verifying",
                                            "dispatched",
                                            "handling",
                                            "submitted",
                                        ),
                                    ),
                                ),
                                fields=[
                                    "due_at",
                                    "region_code",
                                    "card_level",
                                    "event_state",
                                    "event_category",
                                    "event",
                                ],
                                name="clock_unmet_working_idx",
                            ),
                            models.Index(
                                condition=models.Q(
                                    models.Q(
                                        ("stopped_at__isnull", True),
                                        ("stopped_at__gt", models.F("due_at")),
                                        _connector="OR",
                                    ),
                                    ("event_accepted", True),
                                    ("event_state", "closed"),
                                ),
                                fields=[
                                    "event_closed_at",
                                    "region_code",
                                    "due_at",
                                    "card_level",
                                    "event_category",
                                    "event",
                                ],
                                name="clock_unmet_closed_idx",
                            ),
                            models.Index(
                                condition=models.Q(
                                    models.Q(
                                        ("stopped_at__isnull", True),
                                        ("stopped_at__gt", models.F("due_at")),
                                        _connector="OR",
                                    ),
                                    ("card_level__in", ["yellow", "red"]),
                                ),
                                fields=["region_code", "due_at", "card_level"],
                                name="clock_carded_region_idx",
                            ),
                            models.Index(
                                condition=models.Q(
                                    ("paused_at__isnull", True), ("stopped_at__isnull", True)
                                ),
                                fields=["region_code", "due_at"],
                                include=("event",),
                                name="clock_running_region_due_idx",
                            ),
                        ],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
