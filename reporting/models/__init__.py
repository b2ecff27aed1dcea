from reporting.models.assessments import (
    AssessmentChange,
    ScoreEvidence,
    SelfAssessment,
    SelfScore,
)
from reporting.models.calendar import CalendarException
from reporting.models.channels import ChannelDelivery, WebhookChannel
from reporting.models.internal import (
    InternalBand,
    InternalCriterion,
    InternalFramework,
    InternalScore,
)
from reporting.models.locker import DossierExport, LockerDocument
from reporting.models.public import PublicPage
from reporting.models.reminders import ApiToken, Notice, Reminder, ReminderPolicy
from reporting.models.reports import (
    Evidence,
    IndicatorValue,
    Period,
    Reopening,
    Report,
    ReportChange,
    ReportingSchedule,
    TaskEntry,
)
from reporting.models.scorecards import FieldScorecard, ScorecardPolicy, UnitScorecard

__all__ = [
    "AssessmentChange",
    "CalendarException",
    "ChannelDelivery",
    "WebhookChannel",
    "DossierExport",
    "InternalBand",
    "InternalCriterion",
    "InternalFramework",
    "InternalScore",
    "LockerDocument",
    "ScoreEvidence",
    "SelfAssessment",
    "SelfScore",
    "ApiToken",
    "Evidence",
    "FieldScorecard",
    "IndicatorValue",
    "Notice",
    "Period",
    "PublicPage",
    "Reminder",
    "ReminderPolicy",
    "Reopening",
    "Report",
    "ReportChange",
    "ReportingSchedule",
    "ScorecardPolicy",
    "TaskEntry",
    "UnitScorecard",
]
