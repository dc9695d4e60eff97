"""The sharing policy: who may see and do what. Pure; the store turns it into SQL."""

from lionrock.access.model import Audience, AudienceNames, OrgKind, Principal, Release, Role
from lionrock.access.policy import (
    Visibility,
    can_see,
    check_may_version,
    check_release,
    leaves_hub,
    outward_visibility_for,
    producer_shown,
    visibility_for,
)

__all__ = [
    "Audience",
    "AudienceNames",
    "OrgKind",
    "Principal",
    "Release",
    "Role",
    "Visibility",
    "can_see",
    "check_may_version",
    "check_release",
    "leaves_hub",
    "outward_visibility_for",
    "producer_shown",
    "visibility_for",
]
