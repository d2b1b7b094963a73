"""An officer's pages: their body's referrals, the opinion editor, the nämnd's decision.

Only officers of the referral's body reach these pages, drafts or not (403 for everyone else).
Every change goes through `remiss.workflow`; its refusals come back as Swedish messages on the
page, with what the person typed still in the form.

One module per page group: `referral` (home, opinion, reopen, decline), `decision`, `positions`
and `word` (Word in); the referral page they all show again is `referral_page`, and the access
check and locks are in `base`. The routes are all here, in one list.
"""

from django.urls import path

from remiss.views.officer import decision, positions, referral, word
from remiss.views.officer.word import WORD_SESSION_KEY

__all__ = ["WORD_SESSION_KEY", "urlpatterns"]

urlpatterns = [
    path("handlaggare/", referral.officer_home, name="officer_home"),
    path("handlaggare/remiss/<int:pk>/", referral.officer_referral, name="officer_referral"),
    path("handlaggare/remiss/<int:pk>/oppna-igen/", referral.officer_reopen_opinion, name="officer_reopen_opinion"),
    path("handlaggare/remiss/<int:pk>/avsta/", referral.officer_decline, name="officer_decline"),
    path("handlaggare/remiss/<int:pk>/beslut/", decision.officer_decision, name="officer_decision"),
    path("handlaggare/remiss/<int:pk>/beslut/justera/", decision.officer_justera, name="officer_justera"),
    path("handlaggare/remiss/<int:pk>/stallningstaganden/", positions.officer_positions, name="officer_positions"),
    path("handlaggare/remiss/<int:pk>/word/", word.officer_word_upload, name="officer_word_upload"),
    path("handlaggare/remiss/<int:pk>/word/granska/", word.officer_word_review, name="officer_word_review"),
]
