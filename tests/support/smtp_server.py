"""A real SMTP server for the mail tests: aiosmtpd on 127.0.0.1, on a port of its own, keeping
every message it accepts. It can be stopped and started again on the same port, to show the
worker a mail server that goes away and comes back."""

import email
import email.policy
import threading
import time

from aiosmtpd.controller import Controller

from tests.support.servers import free_port


class Recorder:
    """aiosmtpd's handler: every accepted message, parsed, with its envelope; or, while
    ``refuse_with`` is set, that answer (e.g. ``"550 5.1.1 no such user"``) to every DATA."""

    def __init__(self):
        self.messages = []
        self.refuse_with = None
        self.arrived = threading.Condition()

    async def handle_DATA(self, server, session, envelope):
        if self.refuse_with:
            return self.refuse_with
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self.arrived:
            self.messages.append((envelope.mail_from, list(envelope.rcpt_tos), message))
            self.arrived.notify_all()
        return "250 OK"


class SmtpTestServer:
    def __init__(self):
        self.port = free_port()
        self.recorder = Recorder()
        self.controller = None

    @property
    def url(self):
        return f"smtp://127.0.0.1:{self.port}"

    @property
    def messages(self):
        """[(envelope sender, envelope recipients, parsed message)], in arrival order."""
        return list(self.recorder.messages)

    def start(self):
        self.controller = Controller(self.recorder, hostname="127.0.0.1", port=self.port)
        self.controller.start()
        return self

    def stop(self):
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    def wait_for(self, count, timeout=10):
        """The messages once at least ``count`` arrived (or the test fails after ``timeout`` s)."""
        deadline = time.monotonic() + timeout
        with self.recorder.arrived:
            while len(self.recorder.messages) < count:
                left = deadline - time.monotonic()
                assert left > 0, f"{count} message(s) expected, {len(self.recorder.messages)} arrived"
                self.recorder.arrived.wait(left)
        return self.messages
