from pilotage.funding.models.conventions import (
    Amendment,
    BudgetLine,
    BudgetLineKind,
    Convention,
    ConventionDocument,
    ConventionKind,
    ConventionStatus,
    Payment,
    PaymentKind,
    PaymentStatus,
)
from pilotage.funding.models.lines import FundingCategory, FundingLine

__all__ = [
    "Amendment",
    "BudgetLine",
    "BudgetLineKind",
    "Convention",
    "ConventionDocument",
    "ConventionKind",
    "ConventionStatus",
    "FundingCategory",
    "FundingLine",
    "Payment",
    "PaymentKind",
    "PaymentStatus",
]
