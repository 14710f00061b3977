@req:DUIS-future-dated-cancellation
Feature: A pending future-dated command is cancelled by sending it again for 3000-12-31
  Every DCC cancellation template (CS02bSupplierBySupplier_6.15.1_CANCELLATION, the 6.23 and
  other cancellation templates) sends the command again with ExecutionDateTime
  3000-12-31T00:00:00.00Z. The DSP does not judge SRPD 6.1(f)(ii) at the year 3000: a
  cancellation is judged at the time of the check, and it replaces the sender's pending
  command of the same SRV on the device, so nothing of it runs.

  Background:
    Given the time is 2026-06-01 09:00
    And the following Users:
      | name | role |
      | NO-A | ED   |
      | NO-B | ED   |
    And the Registration Data for MPAN 1200000000011:
      | party | from       | until      |
      | NO-A  | 2025-01-01 | 2026-07-01 |
      | NO-B  | 2026-07-01 |            |

  # Under dp107-owner-to-registered a hand-over to NO-B before its registration starts is
  # refused outright (E061504), so there is no pending update to cancel.
  @req:SRPD-6.1f-ii
  @profile:baseline @profile:dp107-owner-path @profile:dp107-registered-path
  Scenario Outline: The losing NO cancels its own pending certificate update
    Given a <generation> ESME "meter-1" serving MPAN 1200000000011
    And the network operator certificates held for "meter-1" belong to NO-A
    When NO-A sends SRV 6.15.1 to "meter-1" replacing the network operator certificates with those of NO-B, to take effect at 2026-06-30 12:00
    And NO-A sends SRV 6.15.1 to "meter-1" replacing the network operator certificates with those of NO-B, to take effect at 3000-12-31
    Then the request is applied
    When the time reaches 2026-06-30 12:00
    Then the network operator certificates held for "meter-1" belong to NO-A

    Examples:
      | generation |
      | SMETS1     |
      | SMETS2     |

  Scenario: A pending read is cancelled the same way
    Given a SMETS1 ESME "meter-1" serving MPAN 1200000000011
    When NO-A sends SRV 4.1.1 to "meter-1" to take effect at 2026-06-30 12:00
    And NO-A sends SRV 4.1.1 to "meter-1" to take effect at 3000-12-31
    Then the request is applied
