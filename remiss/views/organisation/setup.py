"""The section's start page, the first-run page of an empty installation and the city's settings.

Until the settings are saved, an administrator is sent to the first-run page (from the start
page after logging in, and from this section's start page). Everyone else keeps working: on an
installation that was running before there were settings, the name is still the environment's
REMISS_CITY (see `remiss.city`), and stopping the registrar's work until an administrator has
visited a page would help nobody.
"""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from remiss import city, queries, workflow
from remiss.forms.organisation import CitySettingsForm
from remiss.views.organisation.base import administrator_only, form_page, render_page, save_or_show
from remiss.workflow import ConflictError, WorkflowError

# The import page, built beside this section: linked by its path, which does not depend on its
# view being installed when this page is rendered.
IMPORT_PATH = "/organisation/import/"


@administrator_only
def org_home(request):
    if not city.is_set_up():
        return redirect("org_first_run")
    return render_page(request, "home.html", {"overview": queries.organisation_overview()})


@administrator_only
def org_first_run(request):
    """The organisation's name and place of signing, asked once; then on to the import."""
    if city.is_set_up():
        return redirect("org_settings")
    form = CitySettingsForm(request.POST or None, initial={"signing_place": city.FALLBACK_SIGNING_PLACE})
    if request.method == "POST" and form.is_valid():
        try:
            # Version 0: saved over nothing. Should another administrator have saved first, that is a conflict.
            workflow.save_city_settings(**form.values(), expected_version=0, by=request.user)
        except ConflictError:
            messages.error(request, _("En annan administratör har redan gjort inställningarna. Här är de."))
            return redirect("org_settings")
        except WorkflowError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Inställningarna är sparade. Nu kan du läsa in organisationen."))
            return redirect("org_home")
    return render_page(request, "first_run.html", {"form": form, "import_path": IMPORT_PATH})


@administrator_only
def org_settings(request):
    saved = queries.city_settings_for_edit()
    if saved is None:
        return redirect("org_first_run")
    initial = {"city_name": saved.city_name, "signing_place": saved.signing_place, "version": saved.version}
    form = CitySettingsForm(request.POST or None, initial=initial)
    context = {"settings": saved, "title": _("Organisationens namn och ort"), "changes": queries.record_changes(saved)}
    return save_or_show(
        request,
        form,
        lambda **values: workflow.save_city_settings(**values),
        form_page(request, "settings.html", context),
        done=lambda _saved: _("Organisationens namn och ort är sparade."),
        then=lambda _saved: "org_home",
        rebind=CitySettingsForm,
    )
