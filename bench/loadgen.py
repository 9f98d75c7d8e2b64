"""Running wrk with bench/bench.lua and reading back what it measured."""

import json
import os
import shutil
import signal
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

SCRIPT = Path(__file__).resolve().parent / "bench.lua"


def wrk_path():
    path = shutil.which("wrk")
    if path is None:
        raise SystemExit("wrk is not installed: `apt-get install -y wrk` (make bench does it)")
    return path


@dataclass
class Request:
    method: str
    path: str
    cookie: str = ""
    body: str = ""

    def line(self):
        for value in (self.method, self.path, self.cookie, self.body):
            if "\t" in value or "\n" in value:
                raise ValueError(f"tab or newline in a request field: {value!r}")
        return f"{self.method}\t{self.path}\t{self.cookie}\t{self.body}\n"


@dataclass
class Result:
    requests: int
    bytes: int  # read, headers included
    seconds: float
    p50_ms: float
    p90_ms: float
    p99_ms: float
    max_ms: float
    socket_errors: int  # connect, read, write, timeout
    status_errors: int  # responses with a status of 400 or more
    output: str

    @property
    def rate(self):
        return self.requests / self.seconds if self.seconds else 0.0

    @property
    def errors(self):
        return self.socket_errors + self.status_errors

    @classmethod
    def parse(cls, output):
        for line in output.splitlines():
            if line.startswith("BENCH_JSON "):
                data = json.loads(line.removeprefix("BENCH_JSON "))
                break
        else:
            raise RuntimeError(f"wrk printed no BENCH_JSON line:\n{output}")
        return cls(
            requests=data["requests"],
            bytes=data["bytes"],
            seconds=data["duration_us"] / 1e6,
            p50_ms=data["p50_us"] / 1000,
            p90_ms=data["p90_us"] / 1000,
            p99_ms=data["p99_us"] / 1000,
            max_ms=data["max_us"] / 1000,
            socket_errors=data["connect"] + data["read"] + data["write"] + data["timeout"],
            status_errors=data["status"],
            output=output,
        )


class Wrk:
    """One wrk run in the background: ``start()``, then ``result()`` (or ``interrupt()``)."""

    def __init__(
        self, port, path="/", *, seconds=5, connections=8, threads=2, requests=None,
        mode="per-thread", rss_pid=None, rss_at=(), timeout_s=10,
    ):  # fmt: skip
        self.workdir = Path(tempfile.mkdtemp(prefix="bench-wrk-"))
        self.env = dict(os.environ, BENCH_MODE=mode)
        if requests:
            requests_file = self.workdir / "requests.tsv"
            requests_file.write_text("".join(r.line() for r in requests), encoding="utf-8")
            self.env["BENCH_REQUESTS"] = str(requests_file)
        self.rss_log = self.workdir / "rss.log"
        if rss_pid is not None:
            self.env.update(
                BENCH_RSS_PID=str(rss_pid),
                BENCH_RSS_AT=",".join(str(n) for n in rss_at),
                BENCH_RSS_LOG=str(self.rss_log),
            )
        self.command = [
            wrk_path(), f"-t{threads}", f"-c{connections}", f"-d{seconds}s",
            f"--timeout={timeout_s}s", "-s", str(SCRIPT), f"http://127.0.0.1:{port}{path}",
        ]  # fmt: skip
        self.process = None

    def start(self):
        self.process = subprocess.Popen(
            self.command, env=self.env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
        )
        return self

    def result(self):
        output, _ = self.process.communicate()
        shutil.rmtree(self.workdir, ignore_errors=True)
        if self.process.returncode != 0:
            raise RuntimeError(f"wrk failed ({self.process.returncode}):\n{output}")
        return Result.parse(output)

    def rss_samples(self):
        """``{response count: (VmRSS MiB, VmHWM MiB)}`` logged so far by the Lua script."""
        samples = {}
        if self.rss_log.exists():
            for line in self.rss_log.read_text().splitlines():
                count, rss, hwm = (int(value) for value in line.split())
                samples[count] = (rss / 1024, hwm / 1024)
        return samples

    def run_until_sampled(self, last_count, poll_s=0.2):
        """Run until the response numbered ``last_count`` has been sampled, then stop wrk
        (SIGINT: it prints its results as at the end of ``-d``); the samples and the result."""
        self.start()
        while self.process.poll() is None and last_count not in self.rss_samples():
            time.sleep(poll_s)
        samples = self.rss_samples()
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
        return samples, self.result()

    def run(self):
        return self.start().result()
