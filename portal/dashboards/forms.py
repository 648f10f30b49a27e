"""The dashboard's sort and filter controls. The URL's query string is the whole state,
so a filtered view can be bookmarked, reloaded and exported."""

from django import forms
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from portal.dashboards.learners import Filters

SORT_CHOICES = [
    ("name", _("Name, A to Z")),
    ("-name", _("Name, Z to A")),
    ("-progress", _("Most progress first")),
    ("progress", _("Least progress first")),
    ("-last_active", _("Recently active first")),
    ("last_active", _("Longest inactive first")),
]
CHART_CHOICES = [("week", _("Per week")), ("day", _("Per day"))]


class DashboardFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Learner name"),
        max_length=100,
        required=False,
        widget=forms.SearchInput(attrs={"autocomplete": "off"}),
    )
    category = forms.TypedChoiceField(
        label=_("Category"), coerce=int, required=False, empty_value=None
    )
    sort = forms.ChoiceField(label=_("Sort"), choices=SORT_CHOICES, required=False)
    attention = forms.BooleanField(label=_("Needs attention only"), required=False)
    chart = forms.ChoiceField(choices=CHART_CHOICES, required=False, widget=forms.HiddenInput)
    # A cohort's dashboard: the opened section (kept when the filters change) and the page.
    section = forms.RegexField(regex=r"^[a-z0-9-]{1,40}$", required=False, widget=forms.HiddenInput)
    page = forms.IntegerField(
        min_value=1, max_value=100_000, required=False, widget=forms.HiddenInput
    )

    def __init__(self, data: QueryDict, categories: list[tuple[int, str]]) -> None:
        super().__init__(data)
        self.fields["category"].choices = [("", _("All categories")), *categories]

    def _value(self, name: str, default):
        """The field's cleaned value; its default when it was missing or not understood,
        so that one bad value in a bookmark does not lose the rest of the view."""
        self.is_valid()
        if name in self.errors:
            return default
        return self.cleaned_data.get(name) or default

    def filters(self) -> Filters:
        return Filters(
            search=self._value("q", "").strip(),
            category=self._value("category", None),
            sort=self._value("sort", "name"),
            attention_only=self._value("attention", False),
            section=self._value("section", ""),
        )

    def page_number(self) -> int:
        return self._value("page", 1)

    def chart_unit(self) -> str:
        return self._value("chart", "week")


def query_for(filters: Filters, chart: str = "week", **changes) -> str:
    """The query string of a view, without the values that are defaults."""
    values = {
        "q": filters.search,
        "category": filters.category or "",
        "sort": "" if filters.sort == "name" else filters.sort,
        "attention": "1" if filters.attention_only else "",
        "chart": "" if chart == "week" else chart,
        "section": filters.section,
    } | changes
    query = QueryDict(mutable=True)
    for name, value in values.items():
        if value:
            query[name] = value
    return query.urlencode()
