"""Forms that render as the U.S. Web Design System expects, with errors tied to their fields
for screen readers (aria-describedby, aria-invalid)."""

from __future__ import annotations

from typing import Any

from django import forms


class UswdsFormMixin:
    """Adds USWDS classes to widgets, and marks invalid fields after validation."""

    fields: dict[str, forms.Field]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.Select | forms.SelectMultiple):
                css = "usa-select"
            elif isinstance(widget, forms.Textarea):
                css = "usa-textarea"
            elif isinstance(widget, forms.CheckboxInput):
                css = "usa-checkbox__input"
            else:
                css = "usa-input"
            widget.attrs.setdefault("class", css)

    def full_clean(self) -> None:
        super().full_clean()  # type: ignore[misc]
        errors: dict[str, Any] = self.errors  # type: ignore[attr-defined]
        for name in errors:
            if name in self.fields:
                widget = self.fields[name].widget
                widget.attrs["aria-invalid"] = "true"
                widget.attrs["aria-describedby"] = f"id_{name}-error"
