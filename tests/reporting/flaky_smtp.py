"""E-mail backends that fail like SMTP servers do, for the retry tests."""

import smtplib

from django.core import mail
from django.core.mail.backends.locmem import EmailBackend


class FailingThenWorking(EmailBackend):
    failures_left = 0

    def send_messages(self, messages):
        if FailingThenWorking.failures_left > 0:
            FailingThenWorking.failures_left -= 1
            raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
        return super().send_messages(messages)


class AlwaysDown(EmailBackend):
    def send_messages(self, messages):
        raise smtplib.SMTPConnectError(421, "Service not available")


__all__ = ["FailingThenWorking", "AlwaysDown", "mail"]
