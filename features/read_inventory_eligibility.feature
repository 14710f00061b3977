@req:SRV-8.2-eligibility
Feature: Read Inventory — current and future Suppliers only
  The DCC's request matrix says of SRV 8.2 Read Inventory: "Current and Future Suppliers may
  use this Service Request". A Supplier reads the inventory of a meter point only while it is,
  or will be, registered for it; a Supplier whose registration has ended, or that was never
  registered, is refused with E4. Other eligible roles are not limited by the matrix.

  Background:
    Given the time is 2026-03-01 10:00
    And the following Users:
      | name       | role |
      | Supplier-1 | IS   |
      | Supplier-2 | IS   |
      | Supplier-0 | IS   |
      | Supplier-X | IS   |
      | NO-A       | ED   |
      | Analyst    | OU   |
    And a SMETS2 ESME "meter-1" serving MPAN 1200000000002
    And a SMETS1 ESME "meter-s1" serving MPAN 1200000000002
    And the Registration Data for MPAN 1200000000002:
      | party      | from       | until      |
      | Supplier-0 | 2024-01-01 | 2025-06-01 |
      | Supplier-1 | 2025-06-01 | 2026-04-01 |
      | Supplier-2 | 2026-04-01 |            |
      | NO-A       | 2025-01-01 |            |

  Scenario Outline: Who may read the inventory of a meter
    When <sender> sends SRV 8.2 to "<device>"
    Then the outcome is "<outcome>"

    Examples:
      | sender     | device   | outcome                     |
      | Supplier-1 | meter-1  | applied                     |
      | Supplier-2 | meter-1  | applied                     |
      | Supplier-0 | meter-1  | rejected by the DSP with E4 |
      | Supplier-X | meter-1  | rejected by the DSP with E4 |
      | Supplier-1 | meter-s1 | applied                     |
      | Supplier-0 | meter-s1 | rejected by the DSP with E4 |
      | NO-A       | meter-1  | applied                     |
      | Analyst    | meter-1  | applied                     |

  Scenario: A Supplier's access ends with its registration
    When the time reaches 2026-04-01 00:00
    And Supplier-1 sends SRV 8.2 to "meter-1"
    Then the request is rejected by the DSP with E4
