from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from indicators.services.results_import import FIELD, INDEX, STATS, Row, results_import


class Command(BaseCommand):
    help = (
        "Import MoHA's published results (CSV in UTF-8 or Windows-1258, or XLSX in the "
        "Ministry's layout): all rows or none. The same service as the admin's Import page."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="the CSV or XLSX file")
        parser.add_argument("--year", type=int, help="the results' year, if the file has none")
        parser.add_argument("--kind", choices=[INDEX, FIELD, STATS], default=INDEX)
        parser.add_argument("--field", help="the field (code or number) of a field table")
        parser.add_argument("--dry-run", action="store_true", help="show, import nothing")
        parser.add_argument("--user", help="who imports (a user name), recorded on each row")

    def handle(self, *args, file, year, kind, field, dry_run, user, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(_("No such file: %(path)s") % {"path": file})
        importer = None
        if user:
            importer = get_user_model().objects.filter(username=user).first()
            if importer is None:
                raise CommandError(_("No such user: %(user)s") % {"user": user})
        report = results_import(
            content=path.read_bytes(),
            filename=path.name,
            kind=kind,
            year=year,
            field_code=field,
            user=importer,
            dry_run=dry_run,
        )
        for line in report_lines(report):
            self.stdout.write(line)
        if not report.ok:
            raise CommandError(_("Nothing was imported."))


def report_lines(report) -> list[str]:
    """The report as text, the same wording as the admin page."""
    lines = [p.text for p in report.errors]
    lines += [_("Warning: %(text)s") % {"text": p.text} for p in report.warnings]
    if report.ok:
        counts = ", ".join(
            f"{label}: {report.count(action)}" for action, label in Row.ACTIONS.items()
        )
        lines.append(
            (
                _("Preview of %(year)s, nothing imported: %(counts)s.")
                if report.dry_run
                else _("Imported %(year)s: %(counts)s.")
            )
            % {"year": report.year, "counts": counts}
        )
    return lines
