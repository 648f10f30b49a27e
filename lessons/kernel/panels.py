"""Extension points: what a lessons page shows that only another app knows.

`lessons` never imports `portal` (import-linter holds it to that, see pyproject.toml).
Where a lessons page must show something `portal` knows (the group's week on home, when a
lesson is due for the learner's group, the group's questions on a lesson), `portal`
registers a provider here when it starts (`PortalConfig.ready`), and the page renders
whatever the providers return, in the order they were registered.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.http import HttpRequest

# The places a page offers: "next_step" (home's one next step: the first panel given
# takes the place of "continue learning"), "home" (above the categories), "lesson"
# (below the lesson's title), "lesson_end" (below the lesson's text), "search" (beside
# the lessons found). A provider is called with the request and the page's own objects
# by name (home passes `next_step`, the lesson page `lesson` and `is_done`, the end of
# the lesson `lesson`, the search page `query`, a lessons.kernel.search.SearchQuery).
SLOTS = ("next_step", "home", "lesson", "lesson_end", "search")


@dataclass(frozen=True)
class Panel:
    template: str  # rendered with `panel` in its context
    context: dict[str, Any] = field(default_factory=dict)


PanelProvider = Callable[..., Panel | None]

_providers: dict[str, list[PanelProvider]] = {slot: [] for slot in SLOTS}


def register_panel(slot: str, provider: PanelProvider) -> None:
    """Show `provider`'s panel on every page of `slot`; registering twice is harmless."""
    if slot not in _providers:
        raise ValueError(f"no panel slot {slot!r}; the slots are {SLOTS}")
    if provider not in _providers[slot]:
        _providers[slot].append(provider)


def panels_for(slot: str, request: HttpRequest, **page: Any) -> list[Panel]:
    """The panels of `slot` for this request; a provider with nothing to say returns None."""
    panels = (provider(request, **page) for provider in _providers[slot])
    return [panel for panel in panels if panel is not None]


# Links beside each item of a list a lessons page shows: "quiz_answer" (each answer of a
# quiz result that was wrong; the page passes `lesson` and `question_ids`; keyed by the
# question's id), "lesson_section" (beside each h2/h3 section heading of a lesson's text;
# the page passes `lesson`; keyed by the section's anchor). A provider returns the links
# it adds, keyed by the item.
ACTION_SLOTS = ("quiz_answer", "lesson_section")


@dataclass(frozen=True)
class Action:
    label: str
    url: str
    note: str = ""  # shown with the label where the slot has room, e.g. a count


ActionProvider = Callable[..., dict[int | str, list[Action]]]

_action_providers: dict[str, list[ActionProvider]] = {slot: [] for slot in ACTION_SLOTS}


def register_actions(slot: str, provider: ActionProvider) -> None:
    """Add `provider`'s links to the items of `slot`; registering twice is harmless."""
    if slot not in _action_providers:
        raise ValueError(f"no action slot {slot!r}; the slots are {ACTION_SLOTS}")
    if provider not in _action_providers[slot]:
        _action_providers[slot].append(provider)


def actions_for(slot: str, request: HttpRequest, **page: Any) -> dict[int | str, list[Action]]:
    """Every provider's links for the items of `slot`, keyed by item."""
    actions: dict[int | str, list[Action]] = {}
    for provider in _action_providers[slot]:
        for item_id, links in provider(request, **page).items():
            actions.setdefault(item_id, []).extend(links)
    return actions
