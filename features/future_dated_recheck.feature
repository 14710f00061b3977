@req:DUIS-future-dated-recheck
Feature: A future-dated command the DSP holds is judged again when it falls due
  SRPD 6.1(f)(ii) asks whether the sender is or will be an Eligible User at the execution
  time. On receipt the DSP can judge "will be" only against the Registration Data it holds
  then; when the command falls due, "will be" has become "is". The DSP judges the sender
  again at the execution time, against the Registration Data it holds then: a registration
  corrected in the meantime to end before the execution time ends the command with E4 as
  its final response, and nothing of it runs.

  Background:
    Given the time is 2026-06-01 09:00
    And the following Users:
      | name       | role |
      | Supplier-1 | IS   |
    And a SMETS2 ESME "meter-1" serving MPAN 1200000000002
    And a SMETS1 ESME "meter-s1" serving MPAN 1200000000002
    And Supplier-1 is registered for MPAN 1200000000002 from 2025-01-01

  @req:SRPD-6.1f-ii
  Scenario Outline: A read held for a Supplier whose registration is corrected to end before it is due
    When Supplier-1 sends SRV 4.1.1 to "<device>" to take effect at 2026-06-30 12:00
    Then the request is pending
    When the registration of Supplier-1 for MPAN 1200000000002 is corrected to end at 2026-06-15
    And the time reaches 2026-06-30 12:00
    Then the request is rejected by the DSP with E4

    Examples:
      | device   |
      | meter-1  |
      | meter-s1 |

  @req:SRPD-6.1f-ii
  Scenario: The refusal when due cites the execution-time limb
    When Supplier-1 sends SRV 4.1.1 to "meter-1" to take effect at 2026-06-30 12:00
    And the registration of Supplier-1 for MPAN 1200000000002 is corrected to end at 2026-06-15
    And the time reaches 2026-06-30 12:00
    Then the rejection cites requirement SRPD-6.1f-ii

  @req:SRPD-6.1f-ii
  Scenario: A registration corrected to end after the execution time leaves the read to run
    When Supplier-1 sends SRV 4.1.1 to "meter-s1" to take effect at 2026-06-30 12:00
    When the registration of Supplier-1 for MPAN 1200000000002 is corrected to end at 2026-07-01
    And the time reaches 2026-06-30 12:00
    Then the request is applied

  @req:SRPD-6.1f-i
  Scenario: A held read of a period that the corrected registration no longer covers
    When Supplier-1 sends SRV 4.8.1 to "meter-s1" for the period 2026-06-01 to 2026-06-20, to take effect at 2026-06-25
    Then the request is pending
    When the registration of Supplier-1 for MPAN 1200000000002 is corrected to end at 2026-06-15
    And the time reaches 2026-06-25
    Then the request is rejected by the DSP with E4
