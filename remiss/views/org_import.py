"""The administrator's organisation import: upload, preview row by row, confirm; and the templates.

Administrators only (`access.is_administrator`): anonymous visitors go to the login page, everyone
else gets 403. Uploading shows what the file would create, change and leave alone and saves nothing;
the file waits (`remiss.organisation.uploads`) until the confirmation, which reads it again and
imports it through `remiss.workflow.import_organisation`, all or nothing.
"""

from __future__ import annotations

from datetime import date
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from remiss import workflow
from remiss.access import is_administrator, require
from remiss.models import User
from remiss.organisation import Action, Plan, ReadError, plan_import, read_file, uploads
from remiss.organisation import template as templates

SESSION_KEY = "remiss_org_import"


def _administrator_only(view):
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        require(is_administrator(request.user))
        return view(request, *args, **kwargs)

    return login_required(wrapped)


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)  # logged in: _administrator_only
    return request.user


def _upload_page(request: HttpRequest, form: uploads.ImportUploadForm, status: int = 200) -> HttpResponse:
    return render(request, "remiss/organisation/import.html", {"nav": "organisation", "form": form}, status=status)


def _preview_page(request: HttpRequest, plan: Plan, token: str, *, error: str = "") -> HttpResponse:
    context = {
        "nav": "organisation",
        "plan": plan,
        "token": token,
        "error": error,
        "counts": {
            "created": plan.count(Action.CREATE),
            "changed": plan.count(Action.CHANGE),
            "unchanged": plan.count(Action.UNCHANGED),
            "errors": plan.count(Action.ERROR),
        },
        "actions": Action,
    }
    return render(request, "remiss/organisation/import_preview.html", context)


@_administrator_only
@require_http_methods(["GET", "POST"])
def org_import(request: HttpRequest) -> HttpResponse:
    """GET: the upload form. POST: read the file, keep it, and show what importing it would do."""
    if request.method != "POST":
        return _upload_page(request, uploads.ImportUploadForm())
    form = uploads.ImportUploadForm(request.POST, request.FILES)
    if not form.is_valid() or form.imported is None:
        return _upload_page(request, form)
    _forget(request)
    plan = plan_import(form.imported, ends_previous_on=form.ends_on)
    if plan.has_errors:
        return _preview_page(request, plan, token="")  # nothing to confirm, so nothing is kept
    token = uploads.store(form.content, form.suffix)
    request.session[SESSION_KEY] = {
        "token": token,
        "filename": form.imported.filename,
        "suffix": form.suffix,
        "ends": form.ends_on.isoformat() if form.ends_on else "",
    }
    return _preview_page(request, plan, token)


def _forget(request: HttpRequest) -> None:
    """Drop the waiting upload, file and all."""
    pending = request.session.pop(SESSION_KEY, None)
    if pending:
        uploads.discard(pending["token"], pending["suffix"])


@_administrator_only
@require_POST
def org_import_confirm(request: HttpRequest) -> HttpResponse:
    """Import the file the preview showed (action=confirm), or drop it (action=cancel)."""
    pending = request.session.get(SESSION_KEY)
    content = uploads.load(pending["token"], pending["suffix"]) if pending else None
    if pending is None or content is None or request.POST.get("token") != pending["token"]:
        messages.error(request, _("Den uppladdade filen finns inte längre. Ladda upp filen igen."))
        return redirect("org_import")
    if request.POST.get("action") == "cancel":
        _forget(request)
        messages.info(request, _("Importen avbröts. Inget har ändrats."))
        return redirect("org_import")
    ends = date.fromisoformat(pending["ends"]) if pending["ends"] else None
    try:
        imported = read_file(content, pending["filename"])
        plan = workflow.import_organisation(imported, by=_user(request), ends_previous_on=ends)
    except ReadError as error:
        _forget(request)
        messages.error(request, str(error))
        return redirect("org_import")
    except workflow.ImportRefused as refused:
        # The database changed since the preview, so a row no longer fits: show the rows again.
        return _preview_page(request, refused.plan, pending["token"], error=str(refused))
    except workflow.WorkflowError as error:
        messages.error(request, str(error))
        return redirect("org_import")
    _forget(request)
    messages.success(request, plan.done_message())
    return redirect("org_import")


@_administrator_only
@require_GET
def org_import_template(request: HttpRequest, fmt: str) -> HttpResponse:
    """The template to fill in, as an Excel workbook or a CSV file."""
    if fmt == "xlsx":
        content, content_type = templates.xlsx_template(), templates.XLSX_CONTENT_TYPE
    elif fmt == "csv":
        content, content_type = templates.csv_template(), templates.CSV_CONTENT_TYPE
    else:
        raise Http404
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{templates.TEMPLATE_NAME}.{fmt}"'
    response["Content-Length"] = str(len(content))
    return response


urlpatterns = [
    path("organisation/import/", org_import, name="org_import"),
    path("organisation/import/bekrafta/", org_import_confirm, name="org_import_confirm"),
    path("organisation/import/mall.<str:fmt>", org_import_template, name="org_import_template"),
]
