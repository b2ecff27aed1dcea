from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from indicators.services.framework_io import framework_import


class Command(BaseCommand):
    help = (
        "Import a scheme's criteria tree laid out as the Ministry's annex (the layout of "
        "export_framework): all or nothing. The same service as the admin's import."
    )

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--dry-run", action="store_true", help="check, import nothing")

    def handle(self, *args, file, dry_run, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(_("No such file: %(path)s") % {"path": file})
        report = framework_import(content=path.read_bytes(), filename=path.name, dry_run=dry_run)
        for problem in report.errors:
            self.stdout.write(problem.text)
        if not report.ok:
            raise CommandError(_("Nothing was imported."))
        self.stdout.write(
            _(
                "Scheme %(decision)s imported: %(fields)s fields, %(criteria)s criteria, "
                "%(sub)s sub-criteria."
            )
            % {
                "decision": report.meta["decision"],
                "fields": len(report.fields),
                "criteria": report.n_criteria,
                "sub": report.n_subcriteria,
            }
            if not dry_run
            else _(
                "Preview of %(decision)s: %(fields)s fields, %(criteria)s criteria, %(sub)s "
                "sub-criteria. Nothing is imported until you confirm."
            )
            % {
                "decision": report.meta["decision"],
                "fields": len(report.fields),
                "criteria": report.n_criteria,
                "sub": report.n_subcriteria,
            }
        )
