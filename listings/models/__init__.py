"""The listings domain's models, one module per domain; import them from here.

choices (enums, limits; a leaf) · states (the state machines) · labs (labs and the
catalogue) · listing · headline (what broad searches rank on) · application ·
conversation (interviews, calendar feeds) · follow · inquiry · saved_search · stats (page views)."""

from . import lookups  # noqa: F401 - registers the `any` lookup (id__any=ids)
from .application import (
    ApplicantReview,
    Application,
    ApplicationEvent,
    ApplicationMessage,
    CVDownload,
)
from .choices import (
    EDITABLE,
    IN_PROCESS,
    INQUIRY_MAX,
    MESSAGE_MAX,
    TEXT_MAX,
    TITLE_MAX,
    VISIBLE_TO_ALL,
    AlertFrequency,
    ApplicationStatus,
    ApplyMethod,
    Benefit,
    CloseReason,
    Compensation,
    ListingStatus,
    Schedule,
    WorkMode,
)
from .conversation import CalendarFeed, Interview
from .follow import LabFollow
from .headline import HeadlineGroup, HeadlineTerm, ListingHeadline
from .inquiry import LabInquiry
from .labs import Certification, Institution, Lab, RoleType, SearchSynonym
from .listing import Listing, ListingEvent, ListingQuerySet, PendingListing
from .saved_search import SavedSearch
from .stats import ListingDayViews

__all__ = [
    "AlertFrequency", "ApplicantReview", "Application", "ApplicationEvent", "ApplicationMessage",
    "ApplicationStatus", "ApplyMethod", "Benefit", "CVDownload", "CalendarFeed", "Certification",
    "CloseReason", "Compensation", "EDITABLE", "INQUIRY_MAX", "IN_PROCESS", "Institution",
    "Interview",
    "Lab", "LabFollow", "LabInquiry", "Listing", "ListingDayViews", "ListingEvent",
    "HeadlineGroup", "HeadlineTerm", "ListingHeadline",
    "ListingQuerySet",
    "ListingStatus",
    "MESSAGE_MAX", "PendingListing", "RoleType", "SavedSearch", "Schedule", "SearchSynonym",
    "TEXT_MAX", "TITLE_MAX", "VISIBLE_TO_ALL", "WorkMode",
]  # fmt: skip
