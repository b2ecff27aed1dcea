from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from indicators.models import Methodology
from indicators.services.framework_io import framework_export


class Command(BaseCommand):
    help = "Write a scheme's criteria tree as the Ministry's annex (XLSX), ready to re-import."

    def add_arguments(self, parser):
        parser.add_argument("code", help="the scheme's code, e.g. qd876")
        parser.add_argument("-o", "--output", help="file to write (default khung-CODE.xlsx)")

    def handle(self, *args, code, output, **options):
        scheme = Methodology.objects.filter(code=code).first()
        if scheme is None:
            raise CommandError(_("No scheme with the code %(code)s.") % {"code": code})
        path = Path(output or f"khung-{code}.xlsx")
        path.write_bytes(framework_export(scheme))
        self.stdout.write(str(path))
