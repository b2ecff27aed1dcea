"""manage.py webhook_sink --secret S [--port 8025] [--fail-first N]: a local receiver that
prints every webhook delivery (Zalo/SMS channel) with whether its signature holds."""

import json
import time

from django.core.management.base import BaseCommand

from reporting.webhook_sink import WebhookSink


class Command(BaseCommand):
    help = "Run a local webhook receiver that records what the Zalo/SMS channel would send."

    def add_arguments(self, parser):
        parser.add_argument("--secret", required=True, help="the channel's signing secret")
        parser.add_argument("--port", type=int, default=8025)
        parser.add_argument("--fail-first", type=int, default=0, help="answer 503 to the first N")

    def handle(self, *args, secret, port, fail_first, **options):
        def record(entry):
            mark = "OK " if entry["valid"] else "BAD SIGNATURE "
            self.stdout.write(mark + json.dumps(entry["payload"], ensure_ascii=False))

        sink = WebhookSink(secret=secret, fail_first=fail_first, port=port, record=record)
        with sink:
            self.stdout.write(f"Listening on {sink.url} (Ctrl+C to stop)")
            try:
                while True:
                    time.sleep(1)
            except KeyboardInterrupt:
                return
