"""The start page sends each person to their own way through the app, and the health check."""
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.cache import never_cache

from remiss.access import is_registrar
from remiss.models import User


@login_required
def home(request):
    if is_registrar(request.user):
        return redirect("case_list")
    if request.user.role == User.Role.OFFICER:
        return redirect("officer_home")
    if request.user.role == User.Role.POLITICIAN:
        return redirect("politician_home")
    return redirect("admin:index")


@never_cache
def health(request: HttpRequest) -> HttpResponse:
    """`/halsa/` for a load balancer or monitoring: "ok" without login and without a database query.

    It only shows that a worker process answers. It is also the baseline of bench/web.py: the
    cheapest request Django can serve through the full middleware stack.
    """
    return HttpResponse("ok", content_type="text/plain; charset=utf-8")
