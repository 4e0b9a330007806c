"""Forms rendered with the DSFR's field templates (django-dsfr)."""

import re
from decimal import ROUND_HALF_UP, Decimal

from django import forms
from dsfr.forms import DsfrBoundField
from dsfr.utils import dsfr_input_class_attr

from pilotage.core.formatting import input_amount, input_percent
from pilotage.core.tabular import parse_amount


class DsfrFormMixin:
    """What django-dsfr's DsfrBaseForm does, usable on ModelForms too; optional fields are marked."""

    template_name = "dsfr/form_snippet.html"
    bound_field_class = DsfrBoundField

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for visible in self.visible_fields():
            dsfr_input_class_attr(visible)

    def get_context(self):
        context = super().get_context()
        context["DSFR_MARK_OPTIONAL_FIELDS"] = True
        return context


class DsfrForm(DsfrFormMixin, forms.Form):
    pass


class DsfrModelForm(DsfrFormMixin, forms.ModelForm):
    pass


class AmountField(forms.DecimalField):
    """An amount in euros typed as French users do (`1 234,56`, `1 234 €`…), read by `parse_amount`."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_digits", 14)
        kwargs.setdefault("decimal_places", 2)
        kwargs.setdefault("min_value", 0)
        super().__init__(**kwargs)
        self.widget = forms.TextInput(attrs={"inputmode": "decimal"})

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if not isinstance(value, str):
            return super().to_python(value)
        try:
            return parse_amount(value)
        except ValueError as exc:
            raise forms.ValidationError(
                f"Saisissez un montant en euros, par exemple 1 234 567 ou 1 234,50 ({exc})", code="invalid"
            ) from exc

    def validate(self, value):
        if value is not None and value < 0:
            raise forms.ValidationError("Saisissez un montant positif ou nul, par exemple 1 234,50.", code="min_value")
        super().validate(value)

    def prepare_value(self, value):
        if value is None or isinstance(value, str):
            return value
        return input_amount(value)


def parse_percent(text: str) -> Decimal:
    """A percentage as people type it, as a fraction: « 45 % », « 45 », « 45,5 » → 0.45, 0.455; « 0,45 »
    (between 0 and 1, without « % ») is read as the fraction 45 %, the one reading that makes sense for a rate;
    to mean 0,45 %, type « 0,45 % »."""
    cleaned = re.sub(r"[\s\u00a0\u202f]", "", text or "")
    has_sign = cleaned.endswith("%")
    cleaned = cleaned.removesuffix("%").replace(",", ".")
    if not re.fullmatch(r"[+-]?\d+(\.\d+)?|[+-]?\.\d+", cleaned):
        raise ValueError("nombre illisible")
    number = Decimal(cleaned)
    if not has_sign and 0 < number < 1:
        return number  # already a fraction
    return number / 100


class PercentField(forms.DecimalField):
    """A rate typed in percent (« 45 % », « 45 », or the fraction « 0,45 »), cleaned to a fraction (0.45)."""

    def __init__(self, *, max_percent: int | None = 100, **kwargs):
        self.max_percent = max_percent
        kwargs.setdefault("max_digits", 12)
        kwargs.setdefault("decimal_places", 4)
        super().__init__(**kwargs)
        self.widget = forms.TextInput(attrs={"inputmode": "decimal", "spellcheck": "false"})
        self.expected = (
            f"Saisissez un pourcentage entre 0 et {max_percent}, par exemple 45 (ou 45 %)"
            if max_percent is not None
            else "Saisissez un pourcentage positif, par exemple 105 (ou 105 %)"
        )

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if not isinstance(value, str):
            return super().to_python(value)
        try:
            fraction = parse_percent(value)
        except ValueError as exc:
            raise forms.ValidationError(f"{self.expected}.", code="invalid") from exc
        return fraction.quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)

    def validate(self, value):
        if value is not None and (value < 0 or (self.max_percent is not None and value * 100 > self.max_percent)):
            raise forms.ValidationError(f"{self.expected}.", code="out_of_range")
        super().validate(value)

    def prepare_value(self, value):
        if value is None or isinstance(value, str):
            return value
        return input_percent(value)
