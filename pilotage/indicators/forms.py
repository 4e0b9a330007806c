from django import forms

from pilotage.core.formatting import SHARE
from pilotage.core.forms import DsfrForm, PercentField
from pilotage.indicators.catalogue import INDICATORS
from pilotage.indicators.engine.compute import RATIOS

#: ratios that may exceed 100 % (first welcomes N / N-1, pathways / JDI)
ABOVE_ONE = {"R2", "R7"}


class TargetsForm(DsfrForm):
    def __init__(self, *args, current: dict, **kwargs):
        super().__init__(*args, **kwargs)
        for ratio in RATIOS:
            indicator = INDICATORS[ratio]
            if indicator.unit == SHARE:
                self.fields[ratio] = PercentField(
                    label=f"{indicator.label} ({ratio}), en %", required=False, initial=current.get(ratio),
                    max_percent=None if ratio in ABOVE_ONE else 100,
                    help_text="En pourcentage : 45 ou 45 % ; 0,45 se lit aussi 45 %."
                    + (" Peut dépasser 100 %." if ratio in ABOVE_ONE else ""),
                )  # fmt: skip
            else:
                self.fields[ratio] = forms.DecimalField(
                    label=f"{indicator.label} ({ratio})", required=False, max_digits=12, decimal_places=4,
                    localize=True, initial=current.get(ratio), min_value=0,
                    help_text="Un nombre, par exemple 85 ou 85,5.",
                    error_messages={"invalid": "Saisissez un nombre, par exemple 85 ou 85,5.",
                                    "min_value": "Saisissez un nombre positif, par exemple 85."},
                )  # fmt: skip
