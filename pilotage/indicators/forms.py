from django import forms

from pilotage.core.forms import DsfrForm
from pilotage.indicators.catalogue import INDICATORS
from pilotage.indicators.engine.compute import RATIOS


class TargetsForm(DsfrForm):
    def __init__(self, *args, current: dict, **kwargs):
        super().__init__(*args, **kwargs)
        for ratio in RATIOS:
            self.fields[ratio] = forms.DecimalField(
                label=f"{ratio} — {INDICATORS[ratio].label}", required=False, max_digits=12, decimal_places=4,
                localize=True, initial=current.get(ratio),
                help_text="Fraction (0,45 pour 45 %), sauf R2, R7 et R13 qui peuvent dépasser 1.",
            )  # fmt: skip
