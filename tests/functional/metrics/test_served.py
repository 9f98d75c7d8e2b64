"""/metrics from a served app, production.ini as the deployment guide runs it: under gunicorn
with two workers, a scrape answered by either worker counts every request both served
(prometheus_client's multiprocess mode, the folder emptied at start by
scratchpad.metrics.gunicorn_config); under pserve, one process, the default registry."""

import re
import shutil
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pytest
from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.multiprocess import MultiProcessCollector

from tests.support import servers
from tests.support.metrics import BEARER, TOKEN, value
from tests.support.paths import BIN, ROOT

pytestmark = pytest.mark.served

SECRET = "metrics-test-secret-metrics-test-secret-0123456789"
LOGIN_PAGES = ("scratchpad_http_responses_total", {"route": "accounts.login", "method": "GET", "code": "200"})
#: At most this many requests, in batches, for both workers to have served some.
MAX_REQUESTS = 400


def get(url, headers=None):
    request = urllib.request.Request(url, headers=headers or {})
    with urllib.request.urlopen(request, timeout=10) as response:
        return response.read().decode("utf-8")


def counts_by_worker(folder):
    """{pid: login pages counted} from each worker's own files, read as a scrape reads them."""
    counts = {}
    for counter_file in folder.glob("counter_*.db"):
        pid = re.fullmatch(r"counter_(\d+)\.db", counter_file.name).group(1)
        alone = folder.parent / f"worker-{pid}"
        alone.mkdir(exist_ok=True)
        shutil.copy(counter_file, alone)
        registry = CollectorRegistry()
        MultiProcessCollector(registry, str(alone))
        counts[pid] = value(generate_latest(registry).decode(), LOGIN_PAGES[0], **LOGIN_PAGES[1])
    return counts


def test_a_scrape_sums_the_requests_every_worker_served(tmp_path):
    folder = tmp_path / "metrics"
    folder.mkdir()
    (folder / "counter_1.db").write_bytes(b"left by an earlier run, and unreadable")
    port = servers.free_port()
    base = f"http://127.0.0.1:{port}"
    ini = servers.production_ini(tmp_path)
    env = servers.migrated_env(
        tmp_path,
        SCRATCHPAD_SECRET=SECRET,
        SCRATCHPAD_METRICS_TOKEN=TOKEN,
        PROMETHEUS_MULTIPROC_DIR=str(folder),
    )
    command = [
        BIN / "gunicorn",
        "-c",
        "python:scratchpad.metrics.gunicorn_config",
        "--paste",
        ini,
        "--preload",
        "-w",
        "2",
        "-b",
        f"127.0.0.1:{port}",
    ]
    with servers.served(command, env, tmp_path / "gunicorn.log") as process:
        deadline = time.monotonic() + 60
        servers.get_when_up(f"{base}/healthz", process, deadline)
        before = value(get(f"{base}/metrics", BEARER), LOGIN_PAGES[0], **LOGIN_PAGES[1])
        sent = 0
        with ThreadPoolExecutor(4) as pool:
            while sent < MAX_REQUESTS and time.monotonic() < deadline:
                list(pool.map(lambda _: get(f"{base}/login/"), range(20)))
                sent += 20
                if len([count for count in counts_by_worker(folder).values() if count]) == 2:
                    break
        scraped = value(get(f"{base}/metrics", BEARER), LOGIN_PAGES[0], **LOGIN_PAGES[1]) - before
        served_by = sorted(count for count in counts_by_worker(folder).values() if count)
    assert (len(served_by), sum(served_by), scraped) == (2, sent, sent)


def test_pserve_counts_in_its_own_process_without_a_folder(tmp_path):
    port = servers.free_port()
    base = f"http://127.0.0.1:{port}"
    ini = servers.ini_listening_on(ROOT / "production.ini", tmp_path, port)
    env = servers.migrated_env(tmp_path, SCRATCHPAD_SECRET=SECRET, SCRATCHPAD_METRICS_TOKEN=TOKEN)
    env.pop("PROMETHEUS_MULTIPROC_DIR", None)
    with servers.pserve(ini, env, tmp_path / "pserve.log") as process:
        servers.get_when_up(f"{base}/healthz", process, time.monotonic() + 60)
        before = get(f"{base}/metrics", BEARER)
        with ThreadPoolExecutor(4) as pool:
            list(pool.map(lambda _: get(f"{base}/login/"), range(40)))
        after = get(f"{base}/metrics", BEARER)
    counted = value(after, LOGIN_PAGES[0], **LOGIN_PAGES[1]) - value(before, LOGIN_PAGES[0], **LOGIN_PAGES[1])
    # The default registry's process metrics come too: one process stands for the app.
    assert (counted, value(after, "process_open_fds") > 0) == (40, True)
