Feature: SRPD 6.1(f) — the sender must be an Eligible User according to the Registration Data
  SEC Appendix AB clause 6.1(f): for Non-Critical Service Requests and SMETS1 Critical
  Service Requests, the DSP uses the Registration Data, the Device ID in the request and the
  Smart Metering Inventory's link from Device to MPAN to confirm that the sender is or will
  be an Eligible User (i) for all times within any date range requested, (ii) where there is
  no range, at the specified execution time, (iii) otherwise at the time of the check.
  Registrations below run from their start (inclusive) to their end (exclusive).

  Background:
    Given the time is 2026-05-15 12:00
    And the following Users:
      | name       | role |
      | Supplier-1 | IS   |
      | Supplier-2 | IS   |
      | NO-A       | ED   |
      | NO-B       | ED   |
      | Analyst    | OU   |
    And a SMETS2 ESME "meter-1" serving MPAN 1200000000002
    And the Registration Data for MPAN 1200000000002:
      | party      | from       | until      |
      | Supplier-1 | 2025-01-01 | 2026-06-01 |
      | Supplier-2 | 2026-06-01 |            |
      | NO-A       | 2025-01-01 | 2026-07-01 |
      | NO-B       | 2026-07-01 |            |

  @req:SRPD-6.1f-iii
  Scenario Outline: Without a range or an execution time, eligibility is judged at the time of the check
    When <sender> sends SRV 4.1.1 to "meter-1"
    Then the outcome is "<outcome>"

    Examples: Suppliers and Network Operators before the changes of registration
      | sender     | outcome                     |
      | Supplier-1 | applied                     |
      | Supplier-2 | rejected by the DSP with E4 |
      | NO-A       | applied                     |
      | NO-B       | rejected by the DSP with E4 |

  @req:SRPD-6.1f-iii
  Scenario: The rejection names the limb of 6.1(f) that failed
    When Supplier-2 sends SRV 4.1.1 to "meter-1"
    Then the request is rejected by the DSP with E4
    And the rejection cites requirement SRPD-6.1f-iii

  @req:SRPD-6.1f-ii @req:SRPD-6.1f-will-be
  Scenario Outline: A future-dated request is judged at its execution time, on both sides of a change of supplier
    When <sender> sends SRV 4.1.1 to "meter-1" to take effect at <execution>
    Then the outcome is "<outcome>"

    Examples: The losing and the gaining supplier around the switch at 2026-06-01 00:00
      | sender     | execution        | outcome                     |
      | Supplier-1 | 2026-05-31 23:00 | pending                     |
      | Supplier-1 | 2026-06-01 00:00 | rejected by the DSP with E4 |
      | Supplier-2 | 2026-05-31 23:59 | rejected by the DSP with E4 |
      | Supplier-2 | 2026-06-01 00:00 | pending                     |
      | Supplier-2 | 2027-01-01 00:00 | pending                     |

  @req:SRPD-6.1f-ii @req:SRPD-6.1f-will-be
  Scenario Outline: A future-dated request is judged at its execution time, on both sides of a change of Network Operator
    When <sender> sends SRV 4.1.1 to "meter-1" to take effect at <execution>
    Then the outcome is "<outcome>"

    Examples: The losing and the gaining NO around the change at 2026-07-01 00:00
      | sender | execution        | outcome                     |
      | NO-A   | 2026-06-30 23:30 | pending                     |
      | NO-A   | 2026-07-01 00:00 | rejected by the DSP with E4 |
      | NO-B   | 2026-06-30 23:30 | rejected by the DSP with E4 |
      | NO-B   | 2026-07-01 00:00 | pending                     |

  @req:SRPD-6.1f-ii @req:SRPD-6.1f-will-be
  Scenario: A gaining supplier's future-dated request runs once its registration has begun
    When Supplier-2 sends SRV 4.1.1 to "meter-1" to take effect at 2026-06-02
    Then the request is pending
    When the time reaches 2026-06-02
    Then the request is applied

  @req:SRPD-6.1f-i
  Scenario Outline: A requested date range must be covered at every instant
    When <sender> sends SRV 4.8.1 to "meter-1" for the period <start> to <end>
    Then the outcome is "<outcome>"

    Examples: Ranges inside, straddling and touching the changes of registration
      | sender     | start            | end              | outcome                     |
      | Supplier-1 | 2026-05-01       | 2026-05-31       | applied                     |
      | Supplier-1 | 2026-05-20       | 2026-06-10       | rejected by the DSP with E4 |
      | Supplier-2 | 2026-05-20       | 2026-06-10       | rejected by the DSP with E4 |
      | Supplier-2 | 2026-06-01       | 2026-06-10       | applied                     |
      | NO-A       | 2026-06-20       | 2026-06-30 23:30 | applied                     |
      | NO-A       | 2026-06-20       | 2026-07-01       | rejected by the DSP with E4 |
      | NO-B       | 2026-06-20       | 2026-07-10       | rejected by the DSP with E4 |

  @req:SRPD-6.1f-i
  Scenario: A range that straddles a change passes for nobody unless one party covers all of it
    When Supplier-1 sends SRV 4.8.1 to "meter-1" for the period 2026-05-31 to 2026-06-02
    Then the request is rejected by the DSP with E4
    And the rejection cites requirement SRPD-6.1f-i
    When Supplier-2 sends SRV 4.8.1 to "meter-1" for the period 2026-05-31 to 2026-06-02
    Then the request is rejected by the DSP with E4

  @req:SRPD-6.1f-iii
  Scenario: A User Role that Registration Data does not govern is not held to it
    When Analyst sends SRV 4.8.1 to "meter-1" for the period 2026-05-01 to 2026-05-02
    Then the request is applied

  @req:SRPD-6.1f-scope @req:DP107-smets2-contrast
  Scenario Outline: The check reaches SMETS1 critical requests but not SMETS2 critical requests
    Given a <generation> ESME "meter-2" serving MPAN 1400000000001
    And NO-A is registered for MPAN 1400000000001 from 2025-01-01
    And the network operator certificates held for "meter-2" belong to NO-B
    When NO-B sends SRV 6.15.1 to "meter-2" replacing the network operator certificates with those of NO-B
    Then the outcome depends on the profile:
      | profile               | outcome        |
      | baseline              | <baseline>     |
      | dp107-owner-path      | applied        |
      | dp107-registered-path | <baseline>     |
      | dp107-owner-to-registered | <owner_to_registered> |

    Examples: NO-B owns the certificate but is not the registered NO
      | generation | baseline                    | owner_to_registered              |
      | SMETS2     | applied                     | applied                          |
      | SMETS1     | rejected by the DSP with E4 | rejected by the DSP with E061504 |

  @req:SRPD-6.1f-scope
  Scenario Outline: The check reaches non-critical requests on every generation
    Given a <generation> ESME "meter-3" serving MPAN 1500000000006
    And NO-A is registered for MPAN 1500000000006 from 2025-01-01
    When NO-B sends SRV 4.1.1 to "meter-3"
    Then the request is rejected by the DSP with E4

    Examples:
      | generation |
      | SMETS1     |
      | SMETS2     |

  @req:SRPD-6.1f-ii @req:SRPD-6.1f-will-be
  Scenario: Registration Data can come from an RDP-style file
    Given a SMETS2 ESME "meter-4" serving MPAN 1200000000011
    And the Registration Data in "data/registrations-change-of-no.yaml"
    When NO-B sends SRV 4.1.1 to "meter-4" to take effect at 2026-07-02
    Then the request is pending
    When NO-A sends SRV 4.1.1 to "meter-4" to take effect at 2026-07-02
    Then the request is rejected by the DSP with E4
