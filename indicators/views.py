from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from indicators import selectors
from par_portal.params import MIN_YEAR, query_params, year_param


@login_required
def home(request):
    memberships = selectors.user_memberships(request.user)
    if not memberships:
        if request.user.is_superuser:
            return render(request, "indicators/superuser_home.html")
        return render(request, "indicators/no_membership.html", status=403)
    province = memberships[0].province
    return render(
        request,
        "indicators/home.html",
        {"province": province, "plans": selectors.plans_of_province(province)},
    )


@login_required
@query_params("year")
def ranking(request):
    """Published national results of a year (public to every logged-in user)."""
    years = selectors.result_years()
    year = year_param(request, years[0] if years else MIN_YEAR)
    results = list(selectors.national_ranking(year))
    own = {m.province_id for m in selectors.user_memberships(request.user)}
    return render(
        request,
        "indicators/ranking.html",
        {
            "year": year,
            "years": years,
            "results": results,
            "own_province_ids": own,
            "average": selectors.national_average(year),
            "has_synthetic": any(r.is_synthetic for r in results),
        },
    )


def locked_out(request, response=None, credentials=None):
    """django-axes' answer to a throttled login: the portal's page, in the user's language."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return render(
        request,
        "registration/locked_out.html",
        {"minutes": minutes, "failure_limit": settings.AXES_FAILURE_LIMIT},
        status=429,
    )
