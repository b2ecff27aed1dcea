from indicators.selectors import user_memberships
from par_portal.cache import cached, user_scope


def membership(request):
    """The header shows the user's province and role (their first membership) and the bell.
    Both are cached: the memberships under the directory's version, the unread count under the
    user's (bumped when a notice arrives or is read)."""
    user = getattr(request, "user", None)
    memberships = user_memberships(user) if user else []
    unread = (
        cached(
            ("unread", user.pk),
            [user_scope(user.pk)],
            lambda: user.notices.filter(read_at__isnull=True).count(),
        )
        if memberships
        else 0
    )
    return {
        "memberships": memberships,
        "current_membership": memberships[0] if memberships else None,
        "unread_notices": unread,
    }
