"""Reading what a page was given: a dashboard's figures are deferred (computed only when its
cached content is not found), so the context holds a callable for each."""

from __future__ import annotations

from typing import Any


def figure(response, name: str) -> Any:
    value = response.context[name]
    return value() if callable(value) else value
