"""The Django admin: for a superuser's corrections, with history.

Administrators keep the organisation in the application itself (the Organisation section,
`remiss.views.organisation`), in Swedish and through the workflow; this admin, with its groups,
permissions and internal fields, is open to superusers only (`superusers_only`), whatever
staff flag or permissions an account has.

Statuses are read-only here: they change only through `remiss.workflow`. A justered decision
and its statements are read-only here too, as everywhere.
"""

from typing import TYPE_CHECKING, Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db.models import Field, ManyToManyField
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from remiss import models
from remiss.accessibility import current_statement
from remiss.forms import RichTextField
from remiss.ids import IdMultipleChoiceField
from remiss.richtext import sanitize

# The two mixins below extend ModelAdmin's own methods; the type checker sees them as ModelAdmins,
# while at run time they stay plain mixins placed before SimpleHistoryAdmin.
if TYPE_CHECKING:
    _AdminBase = admin.ModelAdmin
else:
    _AdminBase = object


def superusers_only(request) -> bool:
    """The admin's door: an active superuser. A staff account with permissions is not enough."""
    return request.user.is_active and request.user.is_superuser


admin.site.has_permission = superusers_only  # type: ignore[method-assign]


class SanitizesRichText(_AdminBase):
    """Admin mixin: the rich-text fields are the forms' `RichTextField`, with the editor, so the
    same rule holds: typed plain text is stored as that text, the editor's HTML meets the
    allowlist and a save that would lose words is refused. They pass the allowlist once more
    before saving, as in the workflow.

    The pages show stored rich text as it is (it was sanitised when saved); the admin, and its
    history "revert", are the one way to save a text around the workflow.
    """

    rich_text_fields: tuple[str, ...] = ()

    class Media:
        css = {"all": ("remiss/editor.css",)}
        js = ("remiss/editor.js",)

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name in self.rich_text_fields:
            return RichTextField(
                label=capfirst(db_field.verbose_name), required=not db_field.blank, help_text=db_field.help_text
            )
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        for name in self.rich_text_fields:
            setattr(obj, name, sanitize(getattr(obj, name)))
        super().save_model(request, obj, form, change)


# Many-to-many choices (a user's bodies, a referral's officers) checked by remiss.ids, so that
# an id too large for the database is a form error and not an OverflowError.
ID_FIELDS: dict[type[Field], dict[str, Any]] = {ManyToManyField: {"form_class": IdMultipleChoiceField}}


@admin.register(models.User)
class UserAdmin(DjangoUserAdmin, SimpleHistoryAdmin):
    formfield_overrides = ID_FIELDS
    fieldsets = (*(DjangoUserAdmin.fieldsets or ()), (_("Remiss"), {"fields": ("role", "employee_id", "bodies")}))
    list_display = ("username", "first_name", "last_name", "role", "is_staff")
    list_filter = ("role", "is_staff")
    filter_horizontal = ("bodies", "groups", "user_permissions")


@admin.register(models.Party)
class PartyAdmin(SimpleHistoryAdmin):
    list_display = ("name", "abbreviation")


@admin.register(models.Body)
class BodyAdmin(SimpleHistoryAdmin):
    list_display = ("name", "kind", "administration")
    list_filter = ("kind",)


@admin.register(models.Term)
class TermAdmin(SimpleHistoryAdmin):
    list_display = ("name", "starts", "ends")


@admin.register(models.CitySettings)
class CitySettingsAdmin(SimpleHistoryAdmin):
    """One row per installation; the first-run page makes it, the Organisation section edits it."""

    list_display = ("city_name", "signing_place")

    def has_add_permission(self, request):
        return super().has_add_permission(request) and not models.CitySettings.objects.exists()


class SeatInline(admin.TabularInline):
    model = models.Seat
    extra = 0


@admin.register(models.Politician)
class PoliticianAdmin(SimpleHistoryAdmin):
    list_display = ("full_name", "party")
    list_filter = ("party",)
    inlines = [SeatInline]


class ProposalInline(admin.TabularInline):
    model = models.Proposal
    extra = 0


@admin.register(models.Case)
class CaseAdmin(SanitizesRichText, SimpleHistoryAdmin):
    rich_text_fields = ("background",)
    list_display = ("reference", "title", "status", "deadline")
    list_filter = ("status",)
    readonly_fields = ("status",)
    inlines = [ProposalInline]


@admin.register(models.Referral)
class ReferralAdmin(SimpleHistoryAdmin):
    formfield_overrides = ID_FIELDS
    list_display = ("case", "body", "status", "deadline", "order")
    list_filter = ("status", "body")
    readonly_fields = ("status",)


@admin.register(models.Opinion)
class OpinionAdmin(SanitizesRichText, SimpleHistoryAdmin):
    rich_text_fields = ("text", "proposed_decision")
    list_display = ("referral", "date")


class LockedWhenJustered(_AdminBase):
    """Admin mixin: nothing justered may be changed, not even by an administrator."""

    def decision_of(self, obj):
        raise NotImplementedError

    def has_change_permission(self, request, obj=None):
        if obj is not None and self.decision_of(obj).justered:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and self.decision_of(obj).justered:
            return False
        return super().has_delete_permission(request, obj)


class StatementAuthorInline(admin.TabularInline):
    model = models.StatementAuthor
    extra = 0


@admin.register(models.Decision)
class DecisionAdmin(SanitizesRichText, LockedWhenJustered, SimpleHistoryAdmin):
    rich_text_fields = ("added_text",)
    list_display = ("case", "body", "meeting_date", "justered")
    readonly_fields = ("justered",)

    def decision_of(self, obj):
        return obj


@admin.register(models.Statement)
class StatementAdmin(SanitizesRichText, LockedWhenJustered, SimpleHistoryAdmin):
    rich_text_fields = ("text",)
    list_display = ("__str__", "kind", "decision")
    list_filter = ("kind",)
    inlines = [StatementAuthorInline]

    def decision_of(self, obj):
        return obj.decision


@admin.register(models.CityProposal)
class CityProposalAdmin(SanitizesRichText, SimpleHistoryAdmin):
    rich_text_fields = ("summary", "views")
    list_display = ("case", "signed_date")


@admin.register(models.Memo)
class MemoAdmin(admin.ModelAdmin):
    list_display = ("case", "created_at", "created_by", "pages", "sha256")
    readonly_fields = ("case", "pdf", "sha256", "pages", "created_at", "created_by", "sources")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(models.Meeting)
class MeetingAdmin(SimpleHistoryAdmin):
    """The bodies' meeting calendars, which the deadline planning reads."""

    list_display = ("body", "date")
    list_filter = ("body",)
    date_hierarchy = "date"
    ordering = ("-date", "body__name")


@admin.register(models.ReminderLog)
class ReminderLogAdmin(admin.ModelAdmin):
    """What `send_reminders` has sent; read-only. Deleting a row lets that reminder go out again."""

    list_display = ("sent_at", "user", "key")
    search_fields = ("key", "user__username", "user__email")
    readonly_fields = ("user", "key", "sent_at")
    date_hierarchy = "sent_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(models.AccessibilityStatement)
class AccessibilityStatementAdmin(SanitizesRichText, SimpleHistoryAdmin):
    """The tillgänglighetsredogörelse: one per installation. A new one starts from the shipped text."""

    rich_text_fields = ("text",)
    list_display = ("__str__", "organisation", "assessed_on", "updated_at")

    def has_add_permission(self, request):
        return super().has_add_permission(request) and not models.AccessibilityStatement.objects.exists()

    def get_changeform_initial_data(self, request):
        statement = current_statement()
        return {
            "organisation": statement.organisation,
            "text": statement.text_html,
            "assessed_on": statement.assessed_on,
        }


@admin.register(models.BarrierReport)
class BarrierReportAdmin(SimpleHistoryAdmin):
    """Barriers reported from the statement's page. Only "hanterad" is for the administrator to set."""

    list_display = ("created_at", "page", "email", "handled")
    list_filter = ("handled",)
    search_fields = ("description", "page", "name", "email")
    readonly_fields = ("description", "page", "name", "email", "created_at")

    def has_add_permission(self, request):
        return False
