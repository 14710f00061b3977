@req:DP107-owner-to-registered @req:CRIT-future-dated
Feature: DP107 candidate C across a change of Network Operator
  The MPAN moves from NO-A to NO-B at 2026-07-01 00:00 and NO-A owns the certificates held.
  Under candidate C the registered NO is judged at the execution time: NO-A can hand over
  with an update executing after NO-B's registration starts, not before.

  Background:
    Given the time is 2026-06-01 09:00
    And the following Users:
      | name | role |
      | NO-A | ED   |
      | NO-B | ED   |
    And a SMETS1 ESME "meter-1" serving MPAN 1200000000011
    And the Registration Data for MPAN 1200000000011:
      | party | from       | until      |
      | NO-A  | 2025-01-01 | 2026-07-01 |
      | NO-B  | 2026-07-01 |            |
    And the network operator certificates held for "meter-1" belong to NO-A

  @req:SRPD-6.1f-ii @situation:change-of-no @actor:losing-no @timing:future-dated
  Scenario: A hand-over executing before the gaining NO's registration starts is refused
    When NO-A sends SRV 6.15.1 to "meter-1" replacing the network operator certificates with those of NO-B, to take effect at 2026-06-30 12:00
    Then the outcome depends on the profile:
      | profile                   | outcome                          | effect  |
      | dp107-owner-to-registered | rejected by the DSP with E061504 | guarded |
      | any other profile         | pending                          | risk    |

  @profile:dp107-owner-to-registered @req:SRPD-6.1f-ii
  @situation:change-of-no @actor:losing-no @timing:future-dated @effect:restores
  Scenario: A hand-over executing after the gaining NO's registration starts lands
    When NO-A sends SRV 6.15.1 to "meter-1" replacing the network operator certificates with those of NO-B, to take effect at 2026-07-15
    Then the request is pending
    When the time reaches 2026-07-15
    Then the request is applied
    And the network operator certificates held for "meter-1" belong to NO-B
    And the DSP and S1SP copies of the certificates for "meter-1" agree
