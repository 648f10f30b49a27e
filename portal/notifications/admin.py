"""Mails and nudges in the admin: staff see what was sent, what is waiting and what
failed (with the error), read-only."""

from django.contrib import admin
from django.http import HttpRequest

from lessons.kernel.web import BoundedPrefillAdminMixin
from portal.models import NotificationPreference, Nudge, SentMail


class ReadOnlyAdmin(BoundedPrefillAdminMixin, admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


@admin.register(SentMail)
class SentMailAdmin(ReadOnlyAdmin):
    list_display = ["user", "kind", "key", "status", "attempts", "created_at", "sent_at"]
    list_filter = ["status", "kind"]
    search_fields = ["user__username", "user__email", "key", "subject"]
    date_hierarchy = "created_at"
    list_select_related = ["user"]
    readonly_fields = [f.name for f in SentMail._meta.fields if f.name != "claim"]
    exclude = ["claim"]


@admin.register(Nudge)
class NudgeAdmin(ReadOnlyAdmin):
    list_display = ["learner", "group", "instructor", "day", "created_at"]
    list_select_related = ["learner", "group", "instructor"]
    search_fields = ["learner__username", "group__name"]


@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(BoundedPrefillAdminMixin, admin.ModelAdmin):
    list_display = ["user", "reminders", "hour", "time_zone", "language", "digest", "nudges"]
    list_select_related = ["user"]
    search_fields = ["user__username"]
    autocomplete_fields = ["user"]
