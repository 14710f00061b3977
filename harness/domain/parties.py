"""Users: a SEC Party acting in one User Role, known to the DCC by a User ID."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from harness.domain.eui import Eui64
from harness.domain.roles import UserRole


class UserStatus(Enum):
    ACTIVE = "active"
    SUSPENDED = "suspended"


@dataclass(frozen=True)
class User:
    user_id: Eui64
    role: UserRole
    name: str
    status: UserStatus = UserStatus.ACTIVE
