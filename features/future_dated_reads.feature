@req:SRPD-6.1f-i @req:CRIT-future-dated
Feature: Future-dated reads with a requested date range
  SRPD 6.1(f)(i): when a Service Request asks for a date range, the sender must be an Eligible
  User for all times within it, whenever the request executes. A 4.8.1 may be future-dated
  (the DSP holds it) and still names its read log period.

  Background:
    Given the time is 2026-06-01 09:00
    And the following Users:
      | name | role |
      | NO-A | ED   |
      | NO-B | ED   |
    And a SMETS1 ESME "meter-1" serving MPAN 1200000000002
    And the Registration Data for MPAN 1200000000002:
      | party | from       | until      |
      | NO-A  | 2025-01-01 | 2026-07-01 |
      | NO-B  | 2026-07-01 |            |

  Scenario: The losing NO reads its own months after its registration ends
    When NO-A sends SRV 4.8.1 to "meter-1" for the period 2026-05-01 to 2026-05-31, to take effect at 2026-07-02
    Then the request is pending
    When the time reaches 2026-07-02
    Then the request is applied
    And the read reports 1440 log entries of "meter-1"

  Scenario: A period reaching into the next NO's registration is refused, future-dated or not
    When NO-A sends SRV 4.8.1 to "meter-1" for the period 2026-06-15 to 2026-07-15, to take effect at 2026-06-20
    Then the request is rejected by the DSP with E4

  @req:SRPD-6.1f-will-be
  Scenario: The gaining NO may ask now for a period inside its coming registration
    When NO-B sends SRV 4.8.1 to "meter-1" for the period 2026-07-01 to 2026-07-10, to take effect at 2026-07-11
    Then the request is pending
