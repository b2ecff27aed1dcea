"""Strings of third-party apps that ship no Vietnamese catalogue (django-import-export,
django-axes).

Listed here so that `make messages` keeps them in our locale/vi catalogue, which Django
searches before the apps' own."""

from django.utils.translation import gettext_noop as _

IMPORT_EXPORT = [
    _("Import"),
    _("Export"),
    _("Errors"),
    _("Line number"),
    _("Row"),
    _("New"),
    _("Skipped"),
    _("Delete"),
    _("Update"),
    _("Preview"),
    _("Submit"),
    _("Confirm import"),
    _("Non field specific"),
    _("Some rows failed to validate"),
    _(
        "Please correct these errors in your data where possible, then reupload it using the "
        "form above."
    ),
    _(
        "Below is a preview of data to be imported. If you are satisfied with the results, "
        "click 'Confirm import'"
    ),
    _("File to import"),
    _("Format"),
    _("Resource"),
    _("This importer will import the following fields: "),
    _("This exporter will export the following fields: "),
    _("Import finished: {} new, {} updated, {} deleted and {} skipped {}."),
    _("Export"),
    _("Select all"),
]

AXES = [
    _("Access Attempt"),
    _("Access lock out"),
    _("Attempt Time"),
    _("Expires At"),
    _("Failed Logins"),
    _("Form Data"),
    _("GET Data"),
    _("HTTP Accept"),
    _("IP Address"),
    _("Locked Out"),
    _("Logout Time"),
    _("Meta Data"),
    _("POST Data"),
    _("Path"),
    _("User Agent"),
    _("Username"),
    _("access attempt"),
    _("access attempts"),
    _("access failure"),
    _("access failures"),
    _("access log"),
    _("access logs"),
    _("access attempt expiration"),
    _("access attempt expirations"),
    _("The time when access attempt expires and is no longer valid."),
    _("Clean up expired attempts"),
    _("Show counts"),
]
