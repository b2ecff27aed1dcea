"""Reading what a page was given: a dashboard's figures are deferred (computed only when its
cached content is not found), so the context holds a callable for each."""

from __future__ import annotations

from html.parser import HTMLParser
from typing import Any


def figure(response, name: str) -> Any:
    value = response.context[name]
    return value() if callable(value) else value


class _Fields(HTMLParser):
    def __init__(self):
        super().__init__()
        self.values: dict[str, str] = {}
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        name = a.get("name")
        if tag == "input" and name and a.get("type") not in ("submit", "button", "file"):
            if a.get("type") in ("checkbox", "radio") and "checked" not in a:
                return
            self.values[name] = a.get("value") or ""
        elif tag == "select" and name:
            self._select = name
            self.values.setdefault(name, "")
        elif tag == "option" and self._select and "selected" in a:
            self.values[self._select] = a.get("value") or ""
        elif tag == "textarea" and name:
            self._textarea = name
            self.values[name] = ""

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data):
        if self._textarea:
            self.values[self._textarea] += (
                data.removeprefix("\n") if not self.values[self._textarea] else data
            )


def form_fields(html: str, *, exclude_suffix: str = "") -> dict[str, str]:
    """The values a browser would post from the page's forms (the first value per name)."""
    parser = _Fields()
    parser.feed(html)
    return {
        name: value
        for name, value in parser.values.items()
        if not (exclude_suffix and name.endswith(exclude_suffix))
        and name not in ("csrfmiddlewaretoken", "language", "next", "note")
    }
