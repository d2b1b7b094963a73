"""The registrar's pages: cases, referrals, the status board, city texts and the memo."""
from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import path

from remiss.access import is_registrar, require


@login_required
def case_list(request):
    require(is_registrar(request.user))
    return render(request, "remiss/placeholder.html", {"nav": "cases"})


urlpatterns = [
    path("arenden/", case_list, name="case_list"),
]
