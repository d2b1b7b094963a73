"""The registrar's pages: cases, referrals, the status board, city texts and decisions, and the memo.

Every view here is the registrar's alone: anonymous visitors go to the login page, everyone
else gets 403. Reads come from `remiss.queries`, validation from `remiss.forms`, and every change
goes through `remiss.workflow`; when the workflow refuses, its Swedish message is shown (in the
messages region) and the form is shown again with what the person typed.

One module per page group: `cases` (list, register, board, proposals), `referrals`, `city_texts`
(Ärendet, förslag till beslut), `city_decisions` (with their statements) and `memo`; what they
share is in `base`. The routes are all here, in one list.
"""

from django.urls import path

from remiss.views.registrar import cases, city_decisions, city_texts, memo, referrals

urlpatterns = [
    path("arenden/", cases.case_list, name="case_list"),
    path("arenden/ny/", cases.case_create, name="case_create"),
    path("arenden/<int:pk>/", cases.case_detail, name="case_detail"),
    path("arenden/<int:pk>/andra/", cases.case_edit, name="case_edit"),
    path("arenden/<int:pk>/handelse/", cases.case_event, name="case_event"),
    path("arenden/<int:pk>/forslag/", cases.case_proposals, name="case_proposals"),
    path(
        "arenden/<int:pk>/forslag/<int:proposal_pk>/avsnitt/", cases.case_proposal_section, name="case_proposal_section"
    ),
    path("arenden/<int:pk>/remittera/", referrals.case_refer, name="case_refer"),
    path("arenden/<int:pk>/remitteringar/<int:rid>/", referrals.referral_detail, name="case_referral"),
    path("arenden/<int:pk>/remitteringar/<int:rid>/handelse/", referrals.referral_event, name="case_referral_event"),
    path(
        "arenden/<int:pk>/remitteringar/<int:rid>/svarsdatum/",
        referrals.referral_deadline,
        name="case_referral_deadline",
    ),
    path(
        "arenden/<int:pk>/remitteringar/<int:rid>/handlaggare/",
        referrals.referral_officers,
        name="case_referral_officers",
    ),
    path("arenden/<int:pk>/arendet/", city_texts.case_background, name="case_background"),
    path("arenden/<int:pk>/forslag-till-beslut/", city_texts.case_city_proposal, name="case_city_proposal"),
    path("arenden/<int:pk>/stadens-beslut/", city_decisions.case_city_decisions, name="case_city_decisions"),
    path(
        "arenden/<int:pk>/stadens-beslut/<int:did>/justera/",
        city_decisions.city_decision_justera,
        name="case_city_decision_justera",
    ),
    path(
        "arenden/<int:pk>/stadens-beslut/<int:did>/uttalande/",
        city_decisions.city_statement,
        name="case_city_statement",
    ),
    path(
        "arenden/<int:pk>/stadens-beslut/<int:did>/andra/",
        city_decisions.city_decision_edit,
        name="case_city_decision_edit",
    ),
    path(
        "arenden/<int:pk>/stadens-beslut/<int:did>/uttalanden/<int:sid>/andra/",
        city_decisions.city_statement_edit,
        name="case_city_statement_edit",
    ),
    path(
        "arenden/<int:pk>/stadens-beslut/<int:did>/uttalanden/<int:sid>/ta-bort/",
        city_decisions.city_statement_remove,
        name="case_city_statement_remove",
    ),
    path("arenden/<int:pk>/promemoria/", memo.memo_list, name="memo_list"),
    path("arenden/<int:pk>/promemoria/forhandsvisning/", memo.memo_preview, name="memo_preview"),
    path("arenden/<int:pk>/promemoria/sammanstall/", memo.memo_compile, name="memo_compile"),
    path("arenden/<int:pk>/promemoria/jobb/<int:job_id>/", memo.memo_job, name="memo_job"),
    path("arenden/<int:pk>/promemoria/jobb/<int:job_id>.json", memo.memo_job_status, name="memo_job_status"),
    path("arenden/<int:pk>/promemoria/jobb/<int:job_id>/forsok-igen/", memo.memo_job_retry, name="memo_job_retry"),
    path("arenden/<int:pk>/promemoria/<int:mid>/pdf/", memo.memo_download, name="memo_download"),
]
