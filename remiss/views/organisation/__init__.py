"""The Organisation section: what an administrator keeps, in the application and in Swedish.

Bodies and their meeting calendars, user accounts (the bodies an officer works for among them),
politicians, seats, terms of office and parties; the city's own settings and the first-run page
of an empty installation; the accessibility statement and the barriers reported from it. Only
administrators (`remiss.access.is_administrator`) reach these pages: anonymous visitors go to
the login page, everyone else gets 403. Reads come from `remiss.queries`, validation from
`remiss.forms.organisation`, every change goes through `remiss.workflow` (`organisation` and
`people`). The Django admin stays, for superusers only.

One module per page group: `setup` (start page, first run, settings), `bodies` (with their
calendars), `people` (accounts, politicians), `seats` (with terms and parties) and `statement`
(accessibility); what they share is in `base`. The routes are all here; `organisation/import/`
is the import's, not this list's.
"""

from django.urls import path

from remiss.views.organisation import bodies, people, seats, setup, statement

urlpatterns = [
    path("organisation/", setup.org_home, name="org_home"),
    path("organisation/forsta-start/", setup.org_first_run, name="org_first_run"),
    path("organisation/installningar/", setup.org_settings, name="org_settings"),
    path("organisation/organ/", bodies.org_bodies, name="org_bodies"),
    path("organisation/organ/nytt/", bodies.org_body_new, name="org_body_new"),
    path("organisation/organ/<int:pk>/", bodies.org_body_edit, name="org_body_edit"),
    path("organisation/organ/<int:pk>/sammantraden/", bodies.org_body_meetings, name="org_body_meetings"),
    path(
        "organisation/organ/<int:pk>/sammantraden/<int:meeting_pk>/ta-bort/",
        bodies.org_meeting_remove,
        name="org_meeting_remove",
    ),
    path("organisation/konton/", people.org_accounts, name="org_accounts"),
    path("organisation/konton/nytt/", people.org_account_new, name="org_account_new"),
    path("organisation/konton/<int:pk>/", people.org_account_edit, name="org_account_edit"),
    path("organisation/politiker/", people.org_politicians, name="org_politicians"),
    path("organisation/politiker/ny/", people.org_politician_new, name="org_politician_new"),
    path("organisation/politiker/<int:pk>/", people.org_politician_edit, name="org_politician_edit"),
    path("organisation/platser/", seats.org_seats, name="org_seats"),
    path("organisation/platser/ny/", seats.org_seat_new, name="org_seat_new"),
    path("organisation/platser/<int:pk>/", seats.org_seat_edit, name="org_seat_edit"),
    path("organisation/platser/<int:pk>/avsluta/", seats.org_seat_end, name="org_seat_end"),
    path("organisation/mandatperioder/", seats.org_terms, name="org_terms"),
    path("organisation/mandatperioder/ny/", seats.org_term_new, name="org_term_new"),
    path("organisation/mandatperioder/<int:pk>/", seats.org_term_edit, name="org_term_edit"),
    path("organisation/partier/", seats.org_parties, name="org_parties"),
    path("organisation/partier/nytt/", seats.org_party_new, name="org_party_new"),
    path("organisation/partier/<int:pk>/", seats.org_party_edit, name="org_party_edit"),
    path("organisation/tillganglighet/", statement.org_statement, name="org_statement"),
    path("organisation/tillganglighet/anmalningar/", statement.org_barriers, name="org_barriers"),
    path(
        "organisation/tillganglighet/anmalningar/<int:pk>/hanterad/",
        statement.org_barrier_handled,
        name="org_barrier_handled",
    ),
]
