"""A console script run on a pseudo-terminal, for the tests of password prompts."""

import os
import select
import subprocess
import time

TIMEOUT = 60


class Terminal:
    """``command`` with a pseudo-terminal as stdin/stdout/stderr, in a session of its own so
    getpass can never reach the terminal pytest runs in."""

    def __init__(self, command, cwd, env):
        self.master, slave = os.openpty()
        try:
            self.process = subprocess.Popen(
                command,
                cwd=cwd,
                env=env,
                stdin=slave,
                stdout=slave,
                stderr=slave,
                start_new_session=True,
            )
        finally:
            os.close(slave)
        self.output = b""
        self.deadline = time.monotonic() + TIMEOUT

    def read_until(self, text):
        """Read until ``text`` shows. Typing any earlier is lost: getpass flushes pending input."""
        while text.encode() not in self.output:
            if not self._read_some():
                raise AssertionError(f"{text!r} never appeared; the terminal showed {self.output!r}")

    def _read_some(self):
        remaining = self.deadline - time.monotonic()
        if remaining <= 0 or not select.select([self.master], [], [], remaining)[0]:
            return False
        try:
            chunk = os.read(self.master, 4096)
        except OSError:  # EIO: the script has exited and the terminal is gone
            return False
        self.output += chunk
        return bool(chunk)

    def type(self, line):
        os.write(self.master, line.encode() + b"\r")

    def finish(self):
        """The exit status, after reading everything the script wrote; kills it on timeout."""
        try:
            while self._read_some():
                pass
            return self.process.wait(timeout=max(self.deadline - time.monotonic(), 1))
        finally:
            if self.process.poll() is None:
                self.process.kill()
                self.process.wait(timeout=TIMEOUT)
            os.close(self.master)
