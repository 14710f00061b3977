"""Target states the kit's served DSP starts with: what one feature's Background declares."""

from __future__ import annotations

from tests.binding.kit import NO_2, NO_3, SUPPLIER_2

ZAZ1_SUPPLIER = "90-B3-D5-1F-30-01-00-00"
ZAZ1_NO = "90-B3-D5-1F-30-02-00-00"


def _registration(user: object, since: str, until: str = "") -> str:
    end = f'until = "{until}"\n' if until else ""
    return (
        f'\n[[binding.registrations]]\nmpxn = "1200000000002"\nuser_id = "{user}"\n'
        f'from = "{since}"\n{end}'
    )


# features/srpd_6_1_f.feature: a SMETS2 ESME, two suppliers and two NOs around their changes.
SRPD_6_1_F = (
    'now = "2026-05-15T12:00:00Z"\n'
    '[[binding.devices]]\ndevice_id = "00-DB-12-34-56-78-90-A0"\ndevice_type = "ESME"\n'
    'generation = "SMETS2"\nmpxn = "1200000000002"\n'
    + _registration(ZAZ1_SUPPLIER, "2025-01-01", "2026-06-01")
    + _registration(SUPPLIER_2, "2026-06-01")
    + _registration(ZAZ1_NO, "2025-01-01", "2026-07-01")
    + _registration(NO_2, "2026-07-01")
)

# features/dp107_deadlock.feature: a SMETS1 ESME whose NO certificates belong to the other NO.
DP107_DEADLOCK = (
    'now = "2026-03-01T10:00:00Z"\n'
    '[[binding.devices]]\ndevice_id = "00-DB-12-34-56-78-90-A1"\ndevice_type = "ESME"\n'
    'generation = "SMETS1"\nmpxn = "1200000000002"\n'
    + _registration(NO_2, "2025-01-01")
    + '\n[[binding.certificates]]\ndevice_id = "00-DB-12-34-56-78-90-A1"\n'
    f'remote_party_role = "NetworkOperator"\nowner = "{NO_3}"\n'
)
