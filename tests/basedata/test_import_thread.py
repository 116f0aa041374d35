"""The embedded default runs an import in a background thread once the upload commits."""

import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from wangge.basedata.models import ImportJob, Person


@pytest.mark.django_db(transaction=True)
def test_the_thread_runner_imports_after_commit(settings, as_user, t1_grid):
    settings.WANGGE_JOB_RUNNER = "thread"
    csv_text = f"姓名,人口类型,网格编码\n甲,境外人员,{t1_grid.code}\n乙,境外人员,{t1_grid.code}\n"
    upload = SimpleUploadedFile("foreign.csv", csv_text.encode("utf-8-sig"))
    response = as_user("county_operator").post("/api/basedata/person/imports", {"file": upload})
    assert response.status_code == 202
    job_id = response.json()["id"]
    deadline = time.monotonic() + 30
    while ImportJob.objects.get(pk=job_id).status in ("queued", "running"):
        assert time.monotonic() < deadline, "the import thread did not finish"
        time.sleep(0.05)
    assert ImportJob.objects.get(pk=job_id).status == "done"
    assert Person.objects.filter(kind="foreign").count() == 2
