"""All models, importable from one place (Alembic and the services need them all loaded)."""
from confapp.models.api import ApiToken, TokenScope
from confapp.models.assignment_run import AssignmentRun, RunState
from confapp.models.attendance import Attendance
from confapp.models.backoffice import AuditEntry, ItemLeader
from confapp.models.base import utcnow
from confapp.models.credentials import TeamInvitation, PasswordReset, RecoveryCode
from confapp.models.event import (ChoiceMode, Event, EventStatus, ItemKind, ProgramItem, Room, Slot,
                                  Speaker, program_item_speaker)
from confapp.models.feedback import (FeedbackAnswer, FeedbackInvite, FeedbackQuestion, FeedbackResponse,
                                      FeedbackSetup, Material, QuestionKind)
from confapp.models.legal import ConsentRecord, LegalKind, LegalText
from confapp.models.mail import OutboxMessage, OutboxStatus
from confapp.models.network import DEFAULT_SECTORS, Membership, Network, Role, User
from confapp.models.partner import Invitation, LegalBasis, Partner, PartnerContact
from confapp.models.printing import BadgePrintRun, PrintOutcome
from confapp.models.registration import (Assignment, AssignmentSource, Preference, Registration,
                                         RegistrationHistory, RegistrationStatus, new_token)

__all__ = [
    "Attendance",
    "ApiToken", "TokenScope", "Assignment", "AssignmentSource", "ChoiceMode", "ConsentRecord", "LegalKind", "LegalText", "DEFAULT_SECTORS", "Event", "EventStatus",
    "ItemKind", "Membership", "Network", "OutboxMessage", "OutboxStatus", "Preference", "ProgramItem", "Registration",
    "RegistrationHistory", "RegistrationStatus", "Role", "Room", "Slot", "Speaker", "User",
    "new_token", "program_item_speaker", "utcnow",
    "AuditEntry",
    "ItemLeader",
    "Invitation", "LegalBasis", "Partner", "PartnerContact",
    "FeedbackAnswer", "FeedbackInvite", "FeedbackQuestion", "FeedbackResponse", "FeedbackSetup", "Material",
    "QuestionKind",
    "AssignmentRun", "RunState",
    "TeamInvitation", "PasswordReset", "RecoveryCode",
    "BadgePrintRun", "PrintOutcome",
]
