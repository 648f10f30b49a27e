"""The admin's side of revisions: every save through the admin keeps one, the object's
"History" page shows them with a diff, and a button restores any of them."""

import reversion
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from reversion.models import Revision, Version

from lessons.authoring import revisions


class RevisionAdminMixin:
    """For a ModelAdmin whose model is registered in lessons.authoring.revisions. Subclasses say how
    a restore is done with `restore_revision(obj, revision, user) -> str` (the message)."""

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        if request.method != "POST":
            return super().changeform_view(request, object_id, form_url, extra_context)
        if object_id:
            obj = self.model._default_manager.filter(pk=object_id).first()
            if obj is not None and self.has_change_permission(request, obj):
                revisions.record_baseline(obj, request.user)
        with reversion.create_revision():
            reversion.set_user(request.user)
            return super().changeform_view(request, object_id, form_url, extra_context)

    def changelist_view(self, request, extra_context=None):
        with reversion.create_revision():
            reversion.set_user(request.user)
            return super().changelist_view(request, extra_context)

    def log_addition(self, request, obj, message):
        entry = super().log_addition(request, obj, message)
        if reversion.is_active():
            reversion.set_comment(entry.get_change_message() or _("Created."))
        return entry

    def log_change(self, request, obj, message):
        entry = super().log_change(request, obj, message)
        if reversion.is_active():
            reversion.set_comment(entry.get_change_message() or _("Saved without changes."))
        return entry

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        restore = self.admin_site.admin_view(require_POST(self.restore_view))
        return [
            path(
                "<path:object_id>/history/<int:revision_id>/restore/",
                restore,
                name="{}_{}_restore".format(*info),
            ),
            *super().get_urls(),
        ]

    def _object_or_404(self, request: HttpRequest, object_id: str, may) -> object:
        """The object, after the model-wide permission `may`: a mistyped address is a
        404 for those who may see such objects, and says nothing to anyone else."""
        if not may(request):
            raise PermissionDenied
        obj = self.get_object(request, object_id)
        if obj is None:
            raise Http404("No such object.")
        if not may(request, obj):
            raise PermissionDenied
        return obj

    def history_view(self, request: HttpRequest, object_id: str, extra_context=None):
        obj = self._object_or_404(request, object_id, self.has_view_or_change_permission)
        info = self.opts.app_label, self.opts.model_name
        context = {
            **self.admin_site.each_context(request),
            "title": _("History: %(object)s") % {"object": obj},
            "subtitle": None,
            "object": obj,
            "opts": self.opts,
            "entries": revisions.history(obj),
            "can_restore": self.has_change_permission(request, obj),
            "restore_url_name": "admin:{}_{}_restore".format(*info),
            "change_url": reverse("admin:{}_{}_change".format(*info), args=[obj.pk]),
        }
        return TemplateResponse(request, "admin/lessons/revision_history.html", context)

    def restore_view(self, request: HttpRequest, object_id: str, revision_id: int):
        obj = self._object_or_404(request, object_id, self.has_change_permission)
        in_history = Version.objects.get_for_object(obj).filter(revision_id=revision_id)
        revision = get_object_or_404(Revision, pk=revision_id, id__in=in_history.values("revision"))
        message = self.restore_revision(obj, revision, request.user)
        self.message_user(request, message, messages.SUCCESS)
        info = self.opts.app_label, self.opts.model_name
        return HttpResponseRedirect(reverse("admin:{}_{}_history".format(*info), args=[obj.pk]))

    def restore_revision(self, obj, revision: Revision, user) -> str:
        raise NotImplementedError


class LessonRevisionAdmin(RevisionAdminMixin):
    def restore_revision(self, obj, revision: Revision, user) -> str:
        revisions.restore_lesson(obj, revision, user)
        return _("The lesson's title, summary and body are back as they were.")
