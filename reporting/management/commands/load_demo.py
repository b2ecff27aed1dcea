from django.core.management.base import BaseCommand

from indicators.services.demo import DEMO_PASSWORD, demo_load
from reporting.demo import demo_reporting_load


class Command(BaseCommand):
    help = "Load the demo (Quang Nam 2021 and An Giang; Da Nang on today's map) with its users."

    def handle(self, *args, **options):
        users = demo_load()
        demo_reporting_load()
        self.stdout.write(self.style.SUCCESS(f"Demo loaded. Logins (password: {DEMO_PASSWORD}):"))
        for user in users:
            where = " / ".join(part for part in (user.province, user.unit) if part)
            self.stdout.write(f"  {user.username:<14} {user.role:<28} {where}")
