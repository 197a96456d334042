"""A periodic task for the queue's own tests (loaded by test workers through
QUEUE_EXTRA_TASK_MODULES): every second, one run at a time, each run recorded."""

import os
import time

from django.db import connection
from procrastinate.contrib.django import app


@app.periodic(cron="* * * * * *", periodic_id="tick")
@app.task(name="tests.tick", queue="test-periodic", lock="tick", pass_context=False)
def tick(timestamp: int) -> None:
    started = time.time()
    time.sleep(0.3)  # long enough that two runs at once would overlap
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO queue_test_ticks (periodic_ts, worker, started, ended)"
            " VALUES (%s, %s, %s, %s)",
            [timestamp, os.environ.get("PROCRASTINATE_WORKER_NAME", ""), started, time.time()],
        )
