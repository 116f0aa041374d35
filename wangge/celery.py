"""The production worker and scheduler: Celery with Redis, beat running the sweep each minute.

    celery -A wangge worker --beat --loglevel=INFO

The broker comes from WANGGE_CELERY_BROKER_URL (e.g. redis://127.0.0.1:6379/0). The embedded
default needs none of this: `wangge run-worker` runs the same sweep in a thread.
"""

import os

from celery import Celery

from wangge.env import env_str

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wangge.settings")

app = Celery("wangge")
app.conf.update(
    broker_url=env_str("WANGGE_CELERY_BROKER_URL", "redis://127.0.0.1:6379/0"),
    task_ignore_result=True,
    timezone="Asia/Shanghai",
    beat_schedule={
        "supervision-sweep": {"task": "wangge.supervision.sweep", "schedule": 60.0},
        "metrics-rollup": {"task": "wangge.assessment.refresh_rollup", "schedule": 60.0},
    },
)
app.autodiscover_tasks(["wangge.supervision", "wangge.assessment"])
