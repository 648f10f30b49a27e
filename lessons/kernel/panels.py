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
# (below the lesson's title). A provider is called with the request and the page's own
# objects by name (home passes `next_step`, the lesson page `lesson` and `is_done`).
SLOTS = ("next_step", "home", "lesson")


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
