"""Users: a SEC Party acting in one User Role, known to the DCC by a User ID."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from harness.domain.eui import Eui64
from harness.domain.roles import UserRole

# The DCC's own User ID (DCC Boxed's): non-device Service Requests are addressed to it (the
# DCC's 8.2 template: RequestID 90-B3-D5-1F-30-01-00-00:90-B3-D5-1F-30-00-00-02:1000), and
# DCC Boxed signs its responses under it.
DCC_ID = Eui64.parse("90-B3-D5-1F-30-00-00-02")


class UserStatus(Enum):
    ACTIVE = "active"
    SUSPENDED = "suspended"


@dataclass(frozen=True)
class User:
    user_id: Eui64
    role: UserRole
    name: str
    status: UserStatus = UserStatus.ACTIVE
