"""Forms rendered with the DSFR's field templates (django-dsfr)."""

from django import forms
from dsfr.forms import DsfrBoundField
from dsfr.utils import dsfr_input_class_attr


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
        from pilotage.core.tabular import parse_amount

        if value in self.empty_values:
            return None
        if not isinstance(value, str):
            return super().to_python(value)
        try:
            return parse_amount(value)
        except ValueError as exc:
            raise forms.ValidationError(f"Montant invalide : {exc}", code="invalid") from exc

    def prepare_value(self, value):
        if value is None or isinstance(value, str):
            return value
        return f"{value:,.2f}".replace(",", " ").replace(".", ",")
