"""Reading forms out of rendered pages, so tests submit them as a browser would (CSRF on)."""

from __future__ import annotations

from html.parser import HTMLParser


class _FormParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.forms: list[tuple[str, dict[str, str]]] = []
        self._current: dict[str, str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self._current = {}
            self.forms.append((a.get("action", ""), self._current))
        elif tag == "input" and self._current is not None and a.get("type") == "hidden":
            self._current[a.get("name", "")] = a.get("value", "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._current = None


def hidden_fields(html: str, action: str = "") -> dict[str, str]:
    """The hidden inputs (csrf_token, issued, form_token...) of the first form whose action
    ends with ``action`` (any form when empty)."""
    parser = _FormParser()
    parser.feed(html)
    for form_action, fields in parser.forms:
        if form_action.endswith(action):
            return dict(fields)
    raise AssertionError(f"no form with action ending {action!r} in the page")


def forms(html: str) -> list[tuple[str, dict[str, str]]]:
    """Every form of ``html`` in page order: its action and its hidden inputs."""
    parser = _FormParser()
    parser.feed(html)
    return [(action, dict(fields)) for action, fields in parser.forms]
