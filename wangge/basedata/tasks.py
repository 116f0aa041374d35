"""Background jobs of the base data (see wangge/jobs.py): running an uploaded import."""

from wangge.basedata.importing import IMPORT_FILE, run_import
from wangge.jobs import job


@job(IMPORT_FILE)
def import_file(job_id: int) -> str:
    return run_import(job_id).status
