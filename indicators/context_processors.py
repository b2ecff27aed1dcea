from indicators.selectors import memberships_of


def membership(request):
    """The header shows the user's province and role (their first membership)."""
    memberships = list(memberships_of(request.user)) if hasattr(request, "user") else []
    return {
        "memberships": memberships,
        "current_membership": memberships[0] if memberships else None,
    }
