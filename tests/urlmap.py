"""The URLconf as data, for tests generated from it (parameters, access matrix)."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, get_resolver


@dataclass(frozen=True)
class Route:
    name: str  # "namespace:name", or the route itself when unnamed
    route: str  # the pattern as written, e.g. "reports/<int:period_pk>/unit/<int:unit_pk>/"
    callback: object


def routes(resolver=None, prefix: str = "", namespace: str = "") -> list[Route]:
    """Every URL pattern of the project, admin included, with its full name."""
    resolver = resolver or get_resolver()
    found = []
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            ns = pattern.namespace or ""
            found += routes(
                pattern,
                prefix + str(pattern.pattern),
                f"{namespace}{ns}:" if ns else namespace,
            )
        elif isinstance(pattern, URLPattern):
            route = prefix + str(pattern.pattern)
            name = f"{namespace}{pattern.name}" if pattern.name else route
            found.append(Route(name, route, pattern.callback))
    return found
