"""Editors' bulk import in the admin: upload a blog feed or a zip of Markdown lessons (or
give a feed's address), read what a dry run would do, then confirm. Also the admin of the
feed sources that `sync_feeds` keeps in step.

A feed's address is fetched by the task worker, never inside a request: the form answers
at once with a page that waits for the fetch (htmx asks every second; without scripts the
page refreshes itself) and then shows the dry run. Between the dry run and the
confirmation the upload, or the fetched feed, waits compressed in the editor's session:
sessions live in the database, so the confirming request may reach any app process or
machine, and confirming imports what was previewed without fetching again.
"""

import base64
import hashlib
import tempfile
import zipfile
import zlib
from dataclasses import dataclass, field
from io import BytesIO
from pathlib import Path, PurePosixPath

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.tasks import TaskResultStatus
from django.tasks.exceptions import TaskException
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils.translation import get_language, gettext_lazy, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import HttpResponseClientRefresh

from lessons.authoring.feeds import FeedError, FeedImportResult, import_feed
from lessons.authoring.feeds.tasks import fetch_feed_for_import, sync_feed_sources
from lessons.authoring.importing import ImportFailed, ImportResult, import_folder
from lessons.kernel.web import BoundedPrefillAdminMixin
from lessons.models import Category, FeedSource

SESSION_KEY = "lessons_pending_import"
FETCH_KEY = "lessons_import_fetch"  # the feed fetch the editor's import waits for
MAX_UPLOAD_BYTES = 10 * 1024 * 1024
MAX_ZIP_FILES = 2000
MAX_ZIP_FILE_BYTES = 1024 * 1024
# What the lessons of one zip may add up to, uncompressed: hundreds of blog-sized lessons,
# yet a bounded wait (a 200,000-character body takes about a second to render).
MAX_ZIP_TOTAL_BYTES = 10 * 1024 * 1024


class ImportUploadForm(forms.Form):
    upload = forms.FileField(
        label=gettext_lazy("Feed or zip file"),
        required=False,
        help_text=gettext_lazy(
            "A blog's feed (RSS or Atom) or WordPress export, or a zip of Markdown lessons "
            "with front matter and an optional categories.yaml."
        ),
    )
    url = forms.URLField(
        label=gettext_lazy("Or the feed's address"),
        required=False,
        max_length=500,
        assume_scheme="https",
        help_text=gettext_lazy("e.g. https://blog.example.com/rss"),
    )
    category = forms.ModelChoiceField(
        Category.objects.all(),
        required=False,
        label=gettext_lazy("Category for feed entries that name none"),
    )
    publish = forms.BooleanField(
        required=False, label=gettext_lazy("Publish new lessons from a feed (else drafts)")
    )

    def clean_upload(self):
        upload = self.cleaned_data["upload"]
        if upload and upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                _("The file is larger than %(size)d MB; use the import_feed command instead.")
                % {"size": MAX_UPLOAD_BYTES // (1024 * 1024)}
            )
        return upload

    def clean(self):
        cleaned = super().clean()
        if not self.errors and bool(cleaned.get("upload")) == bool(cleaned.get("url")):
            raise forms.ValidationError(_("Choose a file or give a feed's address, not both."))
        return cleaned


@dataclass
class Summary:
    """What an import did, or would do, in words an editor reads."""

    kind: str
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)
    new_categories: list[str] = field(default_factory=list)
    read_as: str = ""

    @classmethod
    def of_feed(cls, result: FeedImportResult) -> "Summary":
        def label(outcome) -> str:
            return f"{outcome.title} [{outcome.category}]"

        return cls(
            kind="feed",
            created=[label(o) for o in result.created],
            updated=[label(o) for o in result.updated],
            unchanged=[label(o) for o in result.unchanged],
            skipped=[(f"#{o.number} {o.title}", o.reason) for o in result.skipped],
            new_categories=result.new_categories,
            read_as=result.read_as,
        )

    @classmethod
    def of_folder(cls, result: ImportResult) -> "Summary":
        return cls(
            kind="zip",
            created=result.created,
            updated=result.updated,
            unchanged=result.unchanged,
        )


def _extract_lessons(data: bytes, folder: Path) -> None:
    """Write the zip's `.md` files, `categories.yaml` and `exams.yaml` into `folder`, flat,
    by base name only: no path in the archive can point outside the folder, and sizes are capped as
    the bytes are read, whatever the archive claims."""
    try:
        archive = zipfile.ZipFile(BytesIO(data))
    except zipfile.BadZipFile as error:
        raise ImportFailed([_("The file is not a valid zip archive.")]) from error
    with archive:
        members = [m for m in archive.infolist() if not m.is_dir()]
        if len(members) > MAX_ZIP_FILES:
            raise ImportFailed([_("The zip holds more than %d files.") % MAX_ZIP_FILES])
        seen: dict[str, str] = {}
        total = 0
        for member in members:
            name = PurePosixPath(member.filename.replace("\\", "/")).name
            if name.startswith(".") or "__MACOSX" in member.filename:
                continue
            if not (name.endswith(".md") or name in ("categories.yaml", "exams.yaml")):
                continue
            if name in seen:
                raise ImportFailed(
                    [_("%(a)s and %(b)s have the same name.") % {"a": seen[name], "b": name}]
                )
            seen[name] = member.filename
            try:
                with archive.open(member) as source:
                    content = source.read(MAX_ZIP_FILE_BYTES + 1)
            except (zipfile.BadZipFile, RuntimeError, NotImplementedError) as error:
                raise ImportFailed([f"{member.filename}: {error}"]) from error
            if len(content) > MAX_ZIP_FILE_BYTES:
                raise ImportFailed([_("%s is larger than 1 MB.") % member.filename])
            total += len(content)
            if total > MAX_ZIP_TOTAL_BYTES:
                raise ImportFailed(
                    [
                        _("The lessons in the zip add up to more than %(size)d MB uncompressed.")
                        % {"size": MAX_ZIP_TOTAL_BYTES // (1024 * 1024)}
                    ]
                )
            (folder / name).write_bytes(content)
        if not any(name.endswith(".md") for name in seen):
            raise ImportFailed([_("The zip holds no .md lesson files.")])


def run_import(pending: dict, *, dry_run: bool) -> Summary:
    """Import the pending upload (or only say what importing it would do)."""
    data = zlib.decompress(base64.b64decode(pending["data"]))
    if pending["kind"] == "zip":
        with tempfile.TemporaryDirectory() as folder:
            _extract_lessons(data, Path(folder))
            with transaction.atomic():
                result = import_folder(Path(folder))
                if dry_run:
                    transaction.set_rollback(True)
        return Summary.of_folder(result)
    try:
        result = import_feed(
            BytesIO(data),
            category=pending["category"],
            publish=pending["publish"],
            dry_run=dry_run,
            content_type=pending.get("content_type", ""),
            base_url=pending.get("base_url", ""),
        )
    except FeedError as error:
        raise ImportFailed([f"{pending['name']}: {error}"]) from error
    return Summary.of_feed(result)


def _looks_like_zip(name: str, data: bytes) -> bool:
    return name.lower().endswith(".zip") or data.startswith(b"PK\x03\x04")


def _pending_upload(form: ImportUploadForm) -> dict:
    """The uploaded file as it waits in the session."""
    upload = form.cleaned_data["upload"]
    data = b"".join(upload.chunks())
    category = form.cleaned_data["category"]
    return {
        "name": upload.name,
        "kind": "zip" if _looks_like_zip(upload.name, data) else "feed",
        "content_type": "",
        "base_url": "",
        "data": base64.b64encode(zlib.compress(data)).decode(),
        "digest": hashlib.sha256(data).hexdigest(),
        "category": category.name if category else "",
        "publish": form.cleaned_data["publish"],
    }


def _pending_fetch(fetch: dict, fetched: dict) -> dict:
    """The feed the worker fetched (`fetch_feed_for_import`'s result) as it waits in the
    session."""
    if "problem" in fetched:
        raise ImportFailed([fetched["problem"]])
    data = zlib.decompress(base64.b64decode(fetched["data"]))
    return {
        "name": fetch["url"],
        "kind": "feed",
        "content_type": fetched["content_type"],
        "base_url": fetched["url"],
        "data": fetched["data"],
        "digest": hashlib.sha256(data).hexdigest(),
        "category": fetch["category"],
        "publish": fetch["publish"],
    }


class LessonImport:
    """The two admin views, bound to the lesson admin for its site and permissions."""

    def __init__(self, model_admin: admin.ModelAdmin):
        self.model_admin = model_admin

    def urls(self) -> list[URLPattern]:
        site = self.model_admin.admin_site
        return [
            path("import/", site.admin_view(self.upload), name="lessons_lesson_import"),
            path(
                "import/fetch/<str:task_id>/",
                site.admin_view(require_GET(self.fetching)),
                name="lessons_lesson_import_fetch",
            ),
            path(
                "import/confirm/",
                site.admin_view(require_POST(self.confirm)),
                name="lessons_lesson_import_confirm",
            ),
        ]

    def _check(self, request: HttpRequest) -> None:
        if not (
            self.model_admin.has_add_permission(request)
            and self.model_admin.has_change_permission(request)
        ):
            raise PermissionDenied

    def _render(self, request: HttpRequest, template: str, context: dict) -> TemplateResponse:
        opts = self.model_admin.model._meta
        return TemplateResponse(
            request,
            template,
            {
                **self.model_admin.admin_site.each_context(request),
                "opts": opts,
                "title": _("Import lessons"),
                **context,
            },
        )

    def upload(self, request: HttpRequest) -> HttpResponse:
        """GET: the upload form. POST: a dry run of the upload, and a button to confirm."""
        self._check(request)
        if request.method != "POST":
            return self._render(
                request, "admin/lessons/import_upload.html", {"form": ImportUploadForm()}
            )
        form = ImportUploadForm(request.POST, request.FILES)
        if not form.is_valid():
            return self._render(request, "admin/lessons/import_upload.html", {"form": form})
        if form.cleaned_data["url"]:
            return self._fetch(request, form)
        return self._preview(request, form, _pending_upload(form))

    def _preview(self, request: HttpRequest, form: ImportUploadForm, pending: dict):
        """The dry run of `pending`, which then waits in the session for confirmation."""
        try:
            summary = run_import(pending, dry_run=True)
        except ImportFailed as failure:
            return self._problems(request, form, failure)
        request.session[SESSION_KEY] = pending
        return self._render(
            request,
            "admin/lessons/import_preview.html",
            {"summary": summary, "pending": pending},
        )

    def _problems(self, request: HttpRequest, form: ImportUploadForm, failure: ImportFailed):
        return self._render(
            request,
            "admin/lessons/import_upload.html",
            {"form": form, "problems": failure.problems},
        )

    def _fetch(self, request: HttpRequest, form: ImportUploadForm) -> HttpResponse:
        """Enqueue the fetch of the feed's address for the worker and answer at once with
        the page that waits for it. The same address sent again (a double click, a
        resubmitted form) while its fetch is under way waits for that fetch."""
        category = form.cleaned_data["category"]
        fetch = {
            "url": form.cleaned_data["url"],
            "category": category.name if category else "",
            "publish": form.cleaned_data["publish"],
        }
        waiting = request.session.get(FETCH_KEY)
        if waiting and {k: waiting[k] for k in fetch} == fetch:
            try:
                if not fetch_feed_for_import.get_result(waiting["task"]).is_finished:
                    return self._redirect_to_fetch(waiting["task"])
            except (TaskException, NotImplementedError):
                pass  # gone, or a backend that keeps no results: fetch again
        result = fetch_feed_for_import.enqueue(fetch["url"], MAX_UPLOAD_BYTES, get_language())
        if result.is_finished:  # a backend that runs tasks at once (no worker)
            return self._fetched(request, fetch, result)
        request.session[FETCH_KEY] = {**fetch, "task": result.id}
        return self._redirect_to_fetch(result.id)

    def _redirect_to_fetch(self, task_id: str) -> HttpResponse:
        site = self.model_admin.admin_site.name
        return HttpResponseRedirect(
            reverse(f"{site}:lessons_lesson_import_fetch", args=[task_id]), status=303
        )

    def fetching(self, request: HttpRequest, task_id: str) -> HttpResponse:
        """The page that waits for the fetch of a feed's address: while the worker has it,
        how far it is (htmx asks again every second); then the dry run of what it fetched,
        or why nothing could be fetched."""
        self._check(request)
        fetch = request.session.get(FETCH_KEY)
        result = None
        if fetch and fetch["task"] == task_id:
            try:
                result = fetch_feed_for_import.get_result(task_id)
            except (TaskException, NotImplementedError):
                request.session.pop(FETCH_KEY, None)
        if result is None:
            messages.warning(
                request,
                _(
                    "That fetch is not waiting for you (it was replaced by another, has "
                    "expired, or was never yours); give the feed's address again."
                ),
            )
            site = self.model_admin.admin_site.name
            return HttpResponseRedirect(reverse(f"{site}:lessons_lesson_import"))
        if result.is_finished and request.htmx:
            return HttpResponseClientRefresh()  # the whole page: the dry run or the problem
        if not result.is_finished:
            page = "_import_fetching.html" if request.htmx else "import_fetching.html"
            return self._render(
                request,
                f"admin/lessons/{page}",
                {"fetch": fetch, "running": result.status == TaskResultStatus.RUNNING},
            )
        return self._fetched(request, fetch, result)

    def _fetched(self, request: HttpRequest, fetch: dict, result) -> HttpResponse:
        category = Category.objects.filter(name=fetch["category"]).first()
        form = ImportUploadForm(
            initial={"url": fetch["url"], "category": category, "publish": fetch["publish"]}
        )
        if result.status != TaskResultStatus.SUCCESSFUL:
            failure = ImportFailed(
                [
                    _("%(url)s: the fetch stopped before it ended; try again.")
                    % {"url": fetch["url"]}
                ]
            )
            return self._problems(request, form, failure)
        try:
            pending = _pending_fetch(fetch, result.return_value)
        except ImportFailed as failure:
            return self._problems(request, form, failure)
        return self._preview(request, form, pending)

    def confirm(self, request: HttpRequest) -> HttpResponse:
        """Import the upload previewed with this digest; or cancel it."""
        self._check(request)
        pending = request.session.get(SESSION_KEY)
        upload_url = reverse(f"{self.model_admin.admin_site.name}:lessons_lesson_import")
        if "cancel" in request.POST or not pending:
            request.session.pop(SESSION_KEY, None)
            request.session.pop(FETCH_KEY, None)
            if not pending:
                messages.warning(request, _("There is no upload waiting; upload the file again."))
            return HttpResponseRedirect(upload_url)
        if request.POST.get("digest") != pending["digest"]:
            messages.warning(
                request,
                _("Another upload replaced the one you previewed; check its summary first."),
            )
            return HttpResponseRedirect(upload_url)
        try:
            summary = run_import(pending, dry_run=False)
        except ImportFailed as failure:
            request.session.pop(SESSION_KEY, None)
            for problem in failure.problems:
                messages.error(request, problem)
            return HttpResponseRedirect(upload_url)
        request.session.pop(SESSION_KEY, None)
        request.session.pop(FETCH_KEY, None)
        messages.success(
            request,
            _("Imported %(name)s: %(created)d created, %(updated)d updated, %(skipped)d skipped.")
            % {
                "name": pending["name"],
                "created": len(summary.created),
                "updated": len(summary.updated),
                "skipped": len(summary.skipped),
            },
        )
        return HttpResponseRedirect(
            reverse(f"{self.model_admin.admin_site.name}:lessons_lesson_changelist")
        )


@admin.register(FeedSource)
class FeedSourceAdmin(BoundedPrefillAdminMixin, admin.ModelAdmin):
    """Blogs whose feeds `manage.py sync_feeds` keeps lessons in step with, and how their
    last sync went."""

    list_display = ["url", "category", "publish_new", *FeedSource.LAST_SYNC_FIELDS]
    list_filter = ["last_outcome"]
    list_select_related = ["category"]
    readonly_fields = FeedSource.LAST_SYNC_FIELDS
    actions = ["sync_now"]

    @admin.action(description=gettext_lazy("Sync the selected feed sources now"))
    def sync_now(self, request: HttpRequest, queryset) -> None:
        """Enqueued for the task worker: the editor's request never waits on a blog's
        server. Each source's outcome appears in the list when it is done."""
        source_ids = list(queryset.values_list("pk", flat=True))
        sync_feed_sources.enqueue(source_ids)
        messages.info(
            request,
            ngettext(
                "%(count)d feed source is being synced in the background; its outcome "
                "shows in the list below when it is done (reload the page).",
                "%(count)d feed sources are being synced in the background; their outcomes "
                "show in the list below when they are done (reload the page).",
                len(source_ids),
            )
            % {"count": len(source_ids)},
        )
