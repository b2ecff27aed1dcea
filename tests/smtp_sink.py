"""A local SMTP sink for tests and the bench (aiosmtpd in a thread)."""

from __future__ import annotations

import logging
import threading

# aiosmtpd logs every SMTP command at INFO
logging.getLogger("mail.log").setLevel(logging.WARNING)


class Sink:
    """A local SMTP server (aiosmtpd) that counts deliveries; optionally slow at RCPT, so a
    worker can be killed while a message is still being addressed (not yet delivered)."""

    def __init__(self, rcpt_delay: float = 0.0):
        from aiosmtpd.controller import Controller

        self.received: list[tuple[str, str]] = []  # (recipient, Message-ID)
        self.messages: list[tuple[str, list[str], bytes]] = []  # (from, to, content)
        self.sessions: set[int] = set()  # one per SMTP connection that delivered something
        self.lock = threading.Lock()
        sink = self

        class Handler:
            async def handle_RCPT(self, server, session, envelope, address, options):
                if rcpt_delay:
                    import asyncio

                    await asyncio.sleep(rcpt_delay)
                envelope.rcpt_tos.append(address)
                return "250 OK"

            async def handle_DATA(self, server, session, envelope):
                from email import message_from_bytes

                message = message_from_bytes(envelope.content)
                with sink.lock:
                    sink.sessions.add(id(session))
                    sink.messages.append(
                        (envelope.mail_from, list(envelope.rcpt_tos), envelope.content)
                    )
                    for rcpt in envelope.rcpt_tos:
                        sink.received.append((rcpt, message["Message-ID"]))
                return "250 Message accepted"

        self.port = free_port()
        self.controller = Controller(Handler(), hostname="127.0.0.1", port=self.port)

    def __enter__(self):
        self.controller.start()
        return self

    def __exit__(self, *exc):
        self.controller.stop()

    def count(self) -> int:
        with self.lock:
            return len(self.received)


def free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]
