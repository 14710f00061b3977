@req:SRPD-6.1f-past-execution
Feature: An execution time already past is judged at the time of the check
  DUIS gives ExecutionDateTime no lower bound and no public text says what the DSP does with
  one already past. The DSP cannot run a command in the past: it runs it at once, so it
  judges SRPD 6.1(f) at the time of the check (profile parameter `past_execution`: `now`).
  A Supplier whose registration has ended cannot act by backdating its request, and the
  current Supplier is not refused for a moment before its registration began.

  Background:
    Given the time is 2026-03-01 12:00
    And the following Users:
      | name       | role |
      | Supplier-0 | IS   |
      | Supplier-1 | IS   |
    And a SMETS2 ESME "meter-1" serving MPAN 1200000000002
    And a SMETS1 ESME "meter-s1" serving MPAN 1200000000002
    And the Registration Data for MPAN 1200000000002:
      | party      | from             | until            |
      | Supplier-0 | 2025-01-01       | 2026-03-01 10:00 |
      | Supplier-1 | 2026-03-01 10:00 |                  |

  Scenario Outline: A read backdated into the losing Supplier's registration
    When <sender> sends SRV 4.1.1 to "<device>" to take effect at 2026-03-01 09:30
    Then the outcome is "<outcome>"

    Examples:
      | sender     | device   | outcome                     |
      | Supplier-0 | meter-1  | rejected by the DSP with E4 |
      | Supplier-1 | meter-1  | applied                     |
      | Supplier-0 | meter-s1 | rejected by the DSP with E4 |
      | Supplier-1 | meter-s1 | applied                     |

  Scenario: The refusal cites the execution-time limb
    When Supplier-0 sends SRV 4.1.1 to "meter-1" to take effect at 2026-03-01 09:30
    Then the rejection cites requirement SRPD-6.1f-ii
