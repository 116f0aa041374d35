"""The production worker and scheduler: Celery with Redis, beat running the tick each minute.

    celery -A wangge worker --beat --loglevel=INFO

The broker comes from WANGGE_CELERY_BROKER_URL (e.g. redis://127.0.0.1:6379/0). The jobs,
the tick and its order live in wangge/jobs.py; the worker finds every job through the
`tasks` module of each installed app. The embedded default needs none of this:
`wangge run-worker` runs the same tick in a thread. This module is imported before Django
is set up, so it names no domain app.
"""

import os

from celery import Celery

from wangge.env import env_str
from wangge.jobs import beat_schedule

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wangge.settings")

app = Celery("wangge")
app.conf.update(
    broker_url=env_str("WANGGE_CELERY_BROKER_URL", "redis://127.0.0.1:6379/0"),
    task_ignore_result=True,
    timezone="Asia/Shanghai",
    beat_schedule=beat_schedule(),
)
app.autodiscover_tasks()
