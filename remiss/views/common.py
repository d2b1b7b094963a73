"""The start page sends each person to their own way through the app."""
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect

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
