@req:DP107-deadlock @req:CRIT-future-dated @situation:change-of-no @timing:future-dated
Feature: DP107 — future-dated certificate updates across a change of Network Operator
  A SMETS1 meter's MPAN moves from NO-A to NO-B at 2026-07-01 00:00. The certificates held
  for it are still NO-A's. Future-dated SRV 6.15.1 is judged by SRPD 6.1(f)(ii) at its
  execution time, and the S1SP still wants it signed by the owner of the current certificate.

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

  @req:SRPD-6.1f-ii @req:SEC-OWNERSHIP-SMETS1 @actor:losing-no @effect:restores
  @profile:baseline @profile:dp107-owner-path @profile:dp107-registered-path
  Scenario: The losing NO hands over before its registration ends
    When NO-A sends SRV 6.15.1 to "meter-1" replacing the network operator certificates with those of NO-B, to take effect at 2026-06-30 12:00
    Then the request is pending
    When the time reaches 2026-06-30 12:00
    Then the request is applied
    And the network operator certificates held for "meter-1" belong to NO-B

  @req:SRPD-6.1f-ii @req:SRPD-6.1f-will-be @req:DP107-registered-path @actor:gaining-no
  Scenario: The gaining NO cannot take over a certificate it does not own
    When NO-B sends SRV 6.15.1 to "meter-1" replacing the network operator certificates with those of NO-B, to take effect at 2026-07-15
    Then the outcome depends on the profile:
      | profile                   | outcome              | effect   |
      | baseline                  | rejected by the S1SP | stuck    |
      | dp107-owner-path          | rejected by the S1SP | stuck    |
      | dp107-registered-path     | pending              | restores |
      | dp107-owner-to-registered | rejected by the S1SP | stuck    |

  @req:SRPD-6.1f-ii @req:DP107-owner-path @actor:losing-no
  Scenario: The losing NO is too late once the execution time falls after its registration
    When NO-A sends SRV 6.15.1 to "meter-1" replacing the network operator certificates with those of NO-B, to take effect at 2026-07-15
    Then the outcome depends on the profile:
      | profile                   | outcome                     | effect   |
      | baseline                  | rejected by the DSP with E4 | stuck    |
      | dp107-owner-path          | pending                     | restores |
      | dp107-registered-path     | rejected by the DSP with E4 | stuck    |
      | dp107-owner-to-registered | pending                     | restores |

  @profile:dp107-registered-path @req:DP107-registered-path @actor:gaining-no @effect:restores
  Scenario: Under the registered path, the gaining NO's update lands at its execution time
    When NO-B sends SRV 6.15.1 to "meter-1" replacing the network operator certificates with those of NO-B, to take effect at 2026-07-15
    Then the request is pending
    When the time reaches 2026-07-15
    Then the request is applied
    And the network operator certificates held for "meter-1" belong to NO-B
    And the DSP and S1SP copies of the certificates for "meter-1" agree
