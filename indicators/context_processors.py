from indicators.selectors import user_memberships


def membership(request):
    """The header shows the user's province and role (their first membership) and the bell."""
    user = getattr(request, "user", None)
    memberships = user_memberships(user) if user else []
    unread = user.notices.filter(read_at__isnull=True).count() if memberships else 0
    return {
        "memberships": memberships,
        "current_membership": memberships[0] if memberships else None,
        "unread_notices": unread,
    }
