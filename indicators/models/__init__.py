from indicators.models.framework import (
    ChecklistItem,
    Criterion,
    Field,
    FieldCode,
    Methodology,
    ScoreChannel,
)
from indicators.models.geography import Province
from indicators.models.plans import (
    CriterionAssignment,
    FieldTarget,
    Indicator,
    IndicatorTarget,
    Plan,
    Task,
)
from indicators.models.results import FieldResult, NationalResult, NationalStatistic, SurveyScore
from indicators.models.security import SecurityEvent
from indicators.models.units import Membership, Preference, Role, Unit

__all__ = [
    "ChecklistItem",
    "Criterion",
    "CriterionAssignment",
    "Field",
    "FieldCode",
    "FieldResult",
    "FieldTarget",
    "Indicator",
    "IndicatorTarget",
    "Membership",
    "Methodology",
    "ScoreChannel",
    "NationalResult",
    "NationalStatistic",
    "Plan",
    "Preference",
    "Province",
    "Role",
    "SecurityEvent",
    "SurveyScore",
    "Task",
    "Unit",
]
