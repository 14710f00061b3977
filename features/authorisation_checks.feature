Feature: DUIS authorisation checks — who may send what, to which device, how
  Before Registration Data is consulted the DSP checks the User (E1 unknown, E3 status,
  E2 role not allowed this SRV), the Command Variant and web service (E12, E13) and the
  device (E19 unknown, E11 wrong type, E5 wrong status). The first failing check decides.

  Background:
    Given the time is 2026-03-01 10:00
    And the following Users:
      | name       | role | status    |
      | Supplier-1 | IS   | active    |
      | Supplier-X | IS   | suspended |
      | Analyst    | OU   | active    |
    And Stranger is not a User known to the DCC, claiming the role IS
    And a SMETS2 ESME "meter-1" serving MPAN 1200000000002
    And a SMETS2 ESME "meter-off" serving MPAN 1200000000002 with status Suspended
    And a SMETS2 PPMID "ppmid-1" serving MPAN 1200000000002
    And a ESME "ghost-1" that is not in the Smart Metering Inventory
    And Supplier-1 is registered for MPAN 1200000000002 from 2025-01-01

  @req:DUIS-E1
  Scenario: An unknown User ID is refused
    When Stranger sends SRV 4.1.1 to "meter-1"
    Then the request is rejected by the DSP with E1

  @req:DUIS-E2
  Scenario: A User Role that is not eligible for the SRV is refused
    When Analyst sends SRV 4.1.1 to "meter-1"
    Then the request is rejected by the DSP with E2

  @req:DUIS-E3
  Scenario: A suspended User is refused
    When Supplier-X sends SRV 4.1.1 to "meter-1"
    Then the request is rejected by the DSP with E3

  @req:DUIS-E5
  Scenario: A device whose status does not allow the SRV is refused
    When Supplier-1 sends SRV 4.1.1 to "meter-off"
    Then the request is rejected by the DSP with E5

  @req:DUIS-E11
  Scenario: An SRV sent to a device type it is not valid for is refused
    When Supplier-1 sends SRV 4.1.1 to "ppmid-1"
    Then the request is rejected by the DSP with E11

  @req:DUIS-E12
  Scenario: A Command Variant the SRV does not allow is refused
    When Supplier-1 sends SRV 4.1.1 to "meter-1" with Command Variant 4
    Then the request is rejected by the DSP with E12

  @req:DUIS-E13
  Scenario: A request on the wrong web service for its Command Variant is refused
    When Supplier-1 sends SRV 4.1.1 to "meter-1" on the transform web service
    Then the request is rejected by the DSP with E13

  @req:DUIS-E19
  Scenario: A Device ID that is not in the inventory is refused
    When Supplier-1 sends SRV 4.1.1 to "ghost-1"
    Then the request is rejected by the DSP with E19

  @req:DUIS-E1 @req:DUIS-E2 @req:DUIS-E19
  Scenario Outline: The first failing check decides the response code
    When <sender> sends SRV 4.1.1 to "<device>"
    Then the request is rejected by the DSP with <code>

    Examples:
      | sender     | device    | code |
      | Stranger   | ghost-1   | E1   |
      | Analyst    | ghost-1   | E2   |
      | Supplier-X | meter-off | E3   |
      | Supplier-1 | ghost-1   | E19  |

  @req:DUIS-E2
  Scenario: Read Inventory is open to a User Role that Registration Data does not hold
    When Analyst sends SRV 8.2 to "meter-1"
    Then the request is applied
