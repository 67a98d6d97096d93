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
                # The bound field's id, so that prefixed forms point at their own message.
                widget.attrs["aria-describedby"] = f"{self[name].auto_id}-error"  # type: ignore[index]


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; their content is checked when they are stored
    (``core.attachments``)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ".pdf,.png,.jpg,.jpeg"}))
        super().__init__(*args, **kwargs)

    def clean(self, data: object, initial: object = None) -> object:
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(item, initial) for item in data]
        return [super().clean(data, initial)] if data else []
