"""An officer's pages: their body's referrals, the opinion editor, the nämnd's decision."""
from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import path


@login_required
def officer_home(request):
    return render(request, "remiss/placeholder.html", {"nav": "officer"})


urlpatterns = [
    path("handlaggare/", officer_home, name="officer_home"),
]
