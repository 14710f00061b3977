@req:DUIS-future-dated-timeout
Feature: A future-dated command its device cannot be reached for times out with E30
  DUIS lists E30, a future-dated request timed out. A command the DSP holds for its
  execution time is sent to the device when it falls due; while the device cannot be
  reached the DSP keeps trying, and a device that comes back soon gets the command late.
  Once the DSP gives up (a day after the execution time: the period is the model's, no
  public text gives it) the command's final response is E30, and nothing of it runs.

  Background:
    Given the time is 2026-06-01 09:00
    And the following Users:
      | name       | role |
      | Supplier-1 | IS   |
    And a SMETS2 ESME "meter-1" serving MPAN 1200000000002
    And a SMETS1 ESME "meter-s1" serving MPAN 1200000000002
    And Supplier-1 is registered for MPAN 1200000000002 from 2025-01-01

  Scenario Outline: A held read whose device stays out of reach long after it is due
    Given "<device>" cannot be reached from 2026-06-30 00:00 until 2026-07-10 00:00
    When Supplier-1 sends SRV 4.1.1 to "<device>" to take effect at 2026-06-30 12:00
    Then the request is pending
    When the time reaches 2026-07-10 00:00
    Then the request is rejected by the DSP with E30

    Examples:
      | device   |
      | meter-1  |
      | meter-s1 |

  Scenario: A held read whose device is back within the hour runs late
    Given "meter-s1" cannot be reached from 2026-06-30 11:30 until 2026-06-30 13:00
    When Supplier-1 sends SRV 4.1.1 to "meter-s1" to take effect at 2026-06-30 12:00
    And the time reaches 2026-06-30 14:00
    Then the request is applied

  @req:SRPD-6.1f-ii @req:DUIS-future-dated-recheck
  Scenario: A read held for a Supplier whose registration ends meanwhile is refused, not timed out
    Given "meter-1" cannot be reached from 2026-06-30 00:00 until 2026-07-10 00:00
    When Supplier-1 sends SRV 4.1.1 to "meter-1" to take effect at 2026-06-30 12:00
    And the registration of Supplier-1 for MPAN 1200000000002 is corrected to end at 2026-06-15
    And the time reaches 2026-07-10 00:00
    Then the request is rejected by the DSP with E4
