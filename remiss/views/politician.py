"""A politician's pages: their seats, open decisions, and their statements."""
from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import path


@login_required
def politician_home(request):
    return render(request, "remiss/placeholder.html", {"nav": "politician"})


urlpatterns = [
    path("politiker/", politician_home, name="politician_home"),
]
