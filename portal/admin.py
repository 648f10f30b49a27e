"""Accounts and study groups in the admin."""

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin, messages
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db.models import Count, Q, QuerySet
from django.forms.models import BaseInlineFormSet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from lessons.kernel.web import BoundedPrefillAdminMixin
from portal.models import LessonTarget, Membership, StudyGroup, User
from portal.notifications import admin as notifications_admin  # noqa: F401 (registers mail)


@admin.register(User)
class PortalUserAdmin(BoundedPrefillAdminMixin, UserAdmin):
    list_display = ["username", "display_name", "email", "is_staff", "last_login"]
    fieldsets = [*UserAdmin.fieldsets, (None, {"fields": ["display_name"]})]


class MembershipFormSet(BaseInlineFormSet):
    def clean(self) -> None:
        super().clean()
        instructors = [
            form
            for form in self.forms
            if form.cleaned_data
            and not form.cleaned_data.get("DELETE")
            and form.cleaned_data.get("role") == Membership.Role.INSTRUCTOR
        ]
        if not instructors:
            raise ValidationError(_("A study group needs at least one instructor."))


class MembershipInline(admin.TabularInline):
    model = Membership
    formset = MembershipFormSet
    extra = 1
    fields = ["user", "role", "joined_at"]
    readonly_fields = ["joined_at"]
    autocomplete_fields = ["user"]
    verbose_name = _("member or instructor")
    verbose_name_plural = _("members and instructors")


class LessonTargetInline(admin.TabularInline):
    model = LessonTarget
    extra = 0
    raw_id_fields = ["lesson"]


@admin.register(StudyGroup)
class StudyGroupAdmin(BoundedPrefillAdminMixin, admin.ModelAdmin):
    list_display = [
        "name", "invite_code", "learner_count", "instructor_count", "pace", "created_at",
    ]  # fmt: skip
    list_filter = ["pace", "categories"]
    search_fields = ["name", "description", "invite_code"]
    filter_horizontal = ["categories"]
    inlines = [MembershipInline, LessonTargetInline]
    actions = ["rotate_invite_codes"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[StudyGroup]:
        return (
            super()
            .get_queryset(request)
            .annotate(
                learners=Count("memberships", filter=Q(memberships__role=Membership.Role.LEARNER)),
                instructors=Count(
                    "memberships", filter=Q(memberships__role=Membership.Role.INSTRUCTOR)
                ),
            )
        )

    @admin.display(description=_("learners"), ordering="learners")
    def learner_count(self, group: StudyGroup) -> int:
        return group.learners

    @admin.display(description=_("instructors"), ordering="instructors")
    def instructor_count(self, group: StudyGroup) -> int:
        return group.instructors

    @admin.action(description=_("Replace the invite codes (old links stop working)"))
    def rotate_invite_codes(self, request: HttpRequest, queryset: QuerySet[StudyGroup]) -> None:
        for group in queryset:
            group.rotate_invite_code()
        self.message_user(request, _("New invite codes made."), messages.SUCCESS)


# Django's own admin of groups (the operators group lives there), with the portal's bounds
# on what its add page reads from the address.
admin.site.unregister(Group)


@admin.register(Group)
class PortalGroupAdmin(BoundedPrefillAdminMixin, GroupAdmin):
    pass


class SuperuserOnlyAdmin:
    """Sign-in records (names, addresses, times) are for whoever runs the site, not for
    the editors who write lessons: hidden from the sidebar and refused to other staff."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return request.user.is_superuser

    def has_view_permission(self, request: HttpRequest, obj=None) -> bool:
        return request.user.is_superuser

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return request.user.is_superuser and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return request.user.is_superuser and super().has_delete_permission(request, obj)


def _superusers_only(*models) -> None:
    for model in models:
        if admin.site.is_registered(model):
            registered = type(admin.site.get_model_admin(model))
            admin.site.unregister(model)
            name = f"SuperuserOnly{registered.__name__}"
            admin.site.register(model, type(name, (SuperuserOnlyAdmin, registered), {}))


_superusers_only(AccessAttempt, AccessFailureLog, AccessLog)
