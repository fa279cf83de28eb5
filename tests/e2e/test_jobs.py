"""The job queue across processes: several `patron bench jobs` worker processes drain one queue on
the session's engine, and every job runs exactly once."""

from __future__ import annotations

import json

from patron_e2e import migrate, new_database, run_cli


def test_worker_processes_share_a_queue_without_running_a_job_twice(work_dir):
    database = new_database(work_dir)
    migrate(database)
    result = run_cli("bench", "jobs", "--jobs", "3000", "--processes", "3", "--workers-per-process", "2",
                     "--batch", "20", database=database, timeout=600)
    summary = json.loads(result.stdout.strip().splitlines()[-1])
    assert summary["jobs_done"] == 3000
    assert summary["distinct_jobs_executed"] == 3000
    assert summary["executions"] == 3000
    assert summary["jobs_executed_more_than_once"] == 0
    assert summary["failed_processes"] == 0
    # The work really was shared: more than one process took jobs.
    processes = {worker.split("/")[0] for worker, count in summary["per_worker"].items() if count > 0}
    assert len(processes) >= 2, summary["per_worker"]
