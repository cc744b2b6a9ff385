"""Django's select, checkboxes and text input, the same HTML written in Python.

Django draws each widget through its templates: about a tenth of a millisecond per option or box.
A form with hundreds of them (every staff member in a filter, every rater to assign, a note and a
reason per item of a rating form) spent most of its page's time there. These give what the stock
widgets give, byte for byte (`tests/test_widgets.py` compares them), escaped as Django escapes.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe


def attributes(attrs: dict[str, Any]) -> str:
    """As django/forms/widgets/attrs.html: in their order, True as a bare name, False left out."""
    return "".join(
        f" {escape(name)}" if value is True else f' {escape(name)}="{escape(value)}"'
        for name, value in attrs.items()
        if value is not False
    )


class Select(forms.Select):
    def render(self, name, value, attrs=None, renderer=None) -> SafeString:
        widget = self.get_context(name, value, attrs)["widget"]
        parts = [f'<select name="{escape(widget["name"])}"{attributes(widget["attrs"])}>']
        for group, options, _index in widget["optgroups"]:
            if group:
                parts.append(f'\n  <optgroup label="{escape(group)}">')
            parts.extend(
                f'\n  <option value="{escape(option["value"])}"{attributes(option["attrs"])}>'
                f"{escape(option['label'])}</option>\n"
                for option in options
            )
            if group:
                parts.append("\n  </optgroup>")
        parts.append("\n</select>")
        return mark_safe("".join(parts))  # every part escaped above


class Checkboxes(forms.CheckboxSelectMultiple):
    """For choices without groups, as a model choice field's are."""

    def render(self, name, value, attrs=None, renderer=None) -> SafeString:
        widget = self.get_context(name, value, attrs)["widget"]
        outer = {key: widget["attrs"][key] for key in ("id", "class") if widget["attrs"].get(key)}
        boxes = "".join(
            f"<div>\n    <label{attributes({'for': option['attrs']['id']} if option['attrs'].get('id') else {})}>"
            f'<input type="{escape(option["type"])}" name="{escape(option["name"])}"'
            f' value="{escape(option["value"])}"{attributes(option["attrs"])}>\n'
            f" {escape(option['label'])}</label>\n\n</div>"
            for _group, options, _index in widget["optgroups"]
            for option in options
        )
        return mark_safe(f"<div{attributes(outer)}>{boxes}\n</div>")  # every part escaped above


class TextInput(forms.TextInput):
    def render(self, name, value, attrs=None, renderer=None) -> SafeString:
        widget = self.get_context(name, value, attrs)["widget"]
        shown = "" if widget["value"] is None else f' value="{escape(widget["value"])}"'
        drawn = f'<input type="{escape(widget["type"])}" name="{escape(name)}"{shown}{attributes(widget["attrs"])}>'
        return mark_safe(drawn)  # every part escaped above
