"""The Vietnamese catalogue is complete: no untranslated and no fuzzy entry (a fuzzy entry is
not compiled, so its English would reach a Vietnamese page)."""

from pathlib import Path

CATALOGUE = Path(__file__).resolve().parent.parent / "locale/vi/LC_MESSAGES/django.po"


def entries(text: str) -> list[dict]:
    """Entries of a .po file: flags, msgid and every msgstr (joined continuation lines)."""
    found = []
    for block in text.split("\n\n"):
        lines = [line for line in block.splitlines() if not line.startswith("#~")]
        if not any(line.startswith("msgid ") for line in lines):
            continue
        entry = {"flags": "", "msgid": "", "msgstr": []}
        key = None
        for line in lines:
            if line.startswith("#,"):
                entry["flags"] += line
            elif line.startswith("msgid "):
                key, entry["msgid"] = "msgid", line[6:].strip('"')
            elif line.startswith("msgid_plural"):
                key = "plural"
            elif line.startswith("msgstr"):
                key = "msgstr"
                entry["msgstr"].append(line.split(" ", 1)[1].strip('"'))
            elif line.startswith('"') and key == "msgid":
                entry["msgid"] += line.strip('"')
            elif line.startswith('"') and key == "msgstr":
                entry["msgstr"][-1] += line.strip('"')
        found.append(entry)
    return found


def test_the_catalogue_has_no_untranslated_or_fuzzy_entry():
    catalogue = [e for e in entries(CATALOGUE.read_text()) if e["msgid"]]  # skip the header
    assert len(catalogue) > 500
    fuzzy = [e["msgid"] for e in catalogue if "fuzzy" in e["flags"]]
    untranslated = [e["msgid"] for e in catalogue if not all(e["msgstr"])]
    assert fuzzy == [] and untranslated == []


def test_the_check_sees_an_untranslated_and_a_fuzzy_entry():
    sample = 'msgid "Hello"\nmsgstr ""\n\n#, fuzzy\nmsgid "Bye"\nmsgstr "Tạm biệt"\n'
    found = entries(sample)
    assert [e["msgstr"] for e in found] == [[""], ["Tạm biệt"]]
    assert "fuzzy" in found[1]["flags"]
