Feature: DP107 — the situations around a wrong Network Operator certificate
  DP107's text speaks of "the MPRNs or MPANs" and of "either Network Operator involved". These
  scenarios cover the gas side, a change of Network Operator, a change of supplier on SMETS1,
  Registration Data that is itself wrong, and the second NO's own attempt in the hazard.

  Background:
    Given the time is 2026-06-01 09:00
    And the following Users:
      | name       | role |
      | NO-A       | ED   |
      | NO-B       | ED   |
      | GT-A       | GT   |
      | GT-B       | GT   |
      | Supplier-1 | IS   |
      | Supplier-2 | IS   |

  @req:DP107-gas-side @req:DP107-deadlock @req:SEC-OWNERSHIP-SMETS1
  @situation:gas @actor:registered-no
  Scenario Outline: Gas: the registered Gas Transporter cannot replace another GT's certificate
    Given a SMETS1 <device> "gas-1" serving MPRN 1234567
    And GT-A is registered for MPRN 1234567 from 2025-01-01
    And the network operator certificates held for "gas-1" belong to GT-B
    When GT-A sends SRV 6.15.1 to "gas-1" replacing the network operator certificates with those of GT-A
    Then the outcome depends on the profile:
      | profile               | outcome              | effect   |
      | dp107-registered-path | applied              | restores |
      | any other profile     | rejected by the S1SP | stuck    |

    Examples:
      | device |
      | GSME   |
      | GPF    |

  @req:DP107-gas-side @req:DP107-deadlock @req:SRPD-6.1f-iii
  @situation:gas @actor:certificate-owner
  Scenario Outline: Gas: the GT that owns the wrong certificate is not the registered GT
    Given a SMETS1 <device> "gas-1" serving MPRN 1234567
    And GT-A is registered for MPRN 1234567 from 2025-01-01
    And the network operator certificates held for "gas-1" belong to GT-B
    When GT-B sends SRV 6.15.1 to "gas-1" replacing the network operator certificates with those of GT-A
    Then the outcome depends on the profile:
      | profile                   | outcome                     | effect   |
      | baseline                  | rejected by the DSP with E4 | stuck    |
      | dp107-owner-path          | applied                     | restores |
      | dp107-registered-path     | rejected by the DSP with E4 | stuck    |
      | dp107-owner-to-registered | applied                     | restores |

    Examples:
      | device |
      | GSME   |
      | GPF    |

  @req:DP107-change-of-no-escape @req:SRPD-6.1f-ii @req:SRPD-6.1f-will-be
  @situation:change-of-no @actor:gaining-no @timing:future-dated @effect:restores
  Scenario: The owner of the wrong certificate becomes the registered NO: a future-dated update escapes today
    Given a SMETS1 ESME "meter-1" serving MPAN 1200000000002
    And the Registration Data for MPAN 1200000000002:
      | party | from       | until      |
      | NO-A  | 2025-01-01 | 2026-07-01 |
      | NO-B  | 2026-07-01 |            |
    And the network operator certificates held for "meter-1" belong to NO-B
    When NO-B sends SRV 6.15.1 to "meter-1" replacing the network operator certificates with those of NO-B, to take effect at 2026-07-15
    Then the request is pending
    When the time reaches 2026-07-15
    Then the request is applied
    And the network operator certificates held for "meter-1" belong to NO-B
    And the DSP and S1SP copies of the certificates for "meter-1" agree

  @req:DP107-change-of-no-escape @req:SRPD-6.1f-iii
  @situation:change-of-no @actor:gaining-no @effect:stuck
  Scenario: The same owner, before its registration starts, is still held by the deadlock
    Given a SMETS1 ESME "meter-1" serving MPAN 1200000000002
    And the Registration Data for MPAN 1200000000002:
      | party | from       | until      |
      | NO-A  | 2025-01-01 | 2026-07-01 |
      | NO-B  | 2026-07-01 |            |
    And the network operator certificates held for "meter-1" belong to NO-B
    When NO-B sends SRV 6.15.1 to "meter-1" replacing the network operator certificates with those of NO-B
    Then the outcome depends on the profile:
      | profile                   | outcome                          |
      | baseline                  | rejected by the DSP with E4      |
      | dp107-owner-path          | applied                          |
      | dp107-registered-path     | rejected by the DSP with E4      |
      | dp107-owner-to-registered | rejected by the DSP with E061504 |

  @req:DP107-cos-smets1 @req:SRV-6.23-cos @req:DSP-S1SP-consistency
  @situation:change-of-supplier @actor:supplier @timing:future-dated @effect:stuck
  Scenario: A change of supplier on a SMETS1 meter leaves the wrong NO certificate where it was
    Given a SMETS1 ESME "meter-1" serving MPAN 1200000000002
    And the Registration Data for MPAN 1200000000002:
      | party      | from       | until      |
      | Supplier-1 | 2025-01-01 | 2026-07-01 |
      | Supplier-2 | 2026-07-01 |            |
      | NO-A       | 2025-01-01 |            |
    And the supplier certificates held for "meter-1" belong to Supplier-1
    And the network operator certificates held for "meter-1" belong to NO-B
    When Supplier-2 sends SRV 6.23 to "meter-1" with the certificates of Supplier-2, to take effect at 2026-07-01
    Then the request is pending
    When the time reaches 2026-07-01
    Then the request is applied
    And the supplier certificates held for "meter-1" belong to Supplier-2
    And the network operator certificates held for "meter-1" belong to NO-B
    And the DSP and S1SP copies of the certificates for "meter-1" agree

  @req:DP107-cos-and-cono @req:SRV-6.23-cos @req:SRPD-6.1f-ii
  @situation:change-of-no @actor:gaining-no @timing:future-dated
  Scenario: A change of supplier and of Network Operator on the same day
    Given a SMETS1 ESME "meter-1" serving MPAN 1200000000002
    And the Registration Data for MPAN 1200000000002:
      | party      | from       | until      |
      | Supplier-1 | 2025-01-01 | 2026-07-01 |
      | Supplier-2 | 2026-07-01 |            |
      | NO-A       | 2025-01-01 | 2026-07-01 |
      | NO-B       | 2026-07-01 |            |
    And the supplier certificates held for "meter-1" belong to Supplier-1
    And the network operator certificates held for "meter-1" belong to NO-A
    When Supplier-2 sends SRV 6.23 to "meter-1" with the certificates of Supplier-2, to take effect at 2026-07-01
    Then the request is pending
    When NO-B sends SRV 6.15.1 to "meter-1" replacing the network operator certificates with those of NO-B, to take effect at 2026-07-01
    Then the outcome depends on the profile:
      | profile               | outcome              | effect   |
      | dp107-registered-path | pending              | restores |
      | any other profile     | rejected by the S1SP | stuck    |
    When the time reaches 2026-07-01
    Then the supplier certificates held for "meter-1" belong to Supplier-2
    And the network operator certificates held for "meter-1" depend on the profile:
      | profile               | holder |
      | dp107-registered-path | NO-B   |
      | any other profile     | NO-A   |
    And the DSP and S1SP copies of the certificates for "meter-1" agree

  @req:DP107-wrong-registration-data @req:DP107-registered-path
  @situation:deadlock-registered-no @actor:registered-no
  Scenario: Registration Data naming the wrong NO hands control to it under the registered path
    Given a SMETS1 ESME "meter-1" serving MPAN 1200000000002
    And NO-B is registered for MPAN 1200000000002 from 2025-01-01
    And the network operator certificates held for "meter-1" belong to NO-A
    When NO-B sends SRV 6.15.1 to "meter-1" replacing the network operator certificates with those of NO-B
    Then the outcome depends on the profile:
      | profile               | outcome              | effect  |
      | dp107-registered-path | applied              | risk    |
      | any other profile     | rejected by the S1SP | guarded |

  @req:DP107-hazard @req:DP107-hazard-either-no @req:SRPD-6.1f-iii
  @profile:baseline @profile:dp107-owner-path @profile:dp107-registered-path
  @situation:hazard @actor:certificate-owner
  Scenario: In the hazard, the NO whose certificate was placed cannot give it back either
    Given a SMETS1 ESME "meter-1" serving MPAN 1200000000002
    And NO-A is registered for MPAN 1200000000002 from 2025-01-01
    And the network operator certificates held for "meter-1" belong to NO-A
    When NO-A sends SRV 6.15.1 to "meter-1" replacing the network operator certificates with those of NO-B
    Then the request is applied
    When NO-B sends SRV 6.15.1 to "meter-1" replacing the network operator certificates with those of NO-A
    Then the outcome depends on the profile:
      | profile           | outcome                     | effect   |
      | dp107-owner-path  | applied                     | restores |
      | any other profile | rejected by the DSP with E4 | stuck    |

  @req:DP107-future-dated-overtaken @req:CRIT-future-dated @req:SEC-OWNERSHIP-SMETS1
  @situation:hazard @actor:registered-no @timing:future-dated
  Scenario: A future-dated update signed by the owner still executes after the certificate is replaced
    # The S1SP judged the signature when the update arrived: at its execution time the update
    # puts NO-A's certificates back, undoing the mistaken placement (a way out today).
    Given a SMETS1 ESME "meter-1" serving MPAN 1200000000002
    And NO-A is registered for MPAN 1200000000002 from 2025-01-01
    And the network operator certificates held for "meter-1" belong to NO-A
    When NO-A sends SRV 6.15.1 to "meter-1" replacing the network operator certificates with those of NO-A, to take effect at 2026-07-15
    Then the request is pending
    When NO-A sends SRV 6.15.1 to "meter-1" replacing the network operator certificates with those of NO-B
    Then the outcome depends on the profile:
      | profile                   | outcome                          | effect   |
      | dp107-owner-to-registered | rejected by the DSP with E061504 | guarded  |
      | any other profile         | applied                          | restores |
    When the time reaches 2026-07-15
    Then the network operator certificates held for "meter-1" belong to NO-A
    And the DSP and S1SP copies of the certificates for "meter-1" agree

  @req:DP107-replayed-correction @req:DUIS-request-id @req:CRIT-precommand
  @profile:dp107-owner-path @profile:dp107-owner-to-registered
  @situation:deadlock-owner @actor:certificate-owner @effect:restores
  Scenario: A correction by the owner of the wrong certificate cannot be replayed
    Given a SMETS1 ESME "meter-1" serving MPAN 1200000000002
    And NO-A is registered for MPAN 1200000000002 from 2025-01-01
    And the network operator certificates held for "meter-1" belong to NO-B
    When NO-B sends SRV 6.15.1 to "meter-1" replacing the network operator certificates with those of NO-A
    Then the request is applied
    When the time reaches 2026-09-01
    And the same request is sent again
    Then the request is rejected by the DSP with E44
    And the network operator certificates held for "meter-1" belong to NO-A

  @req:DP107-wrong-registration-data @req:SRPD-6.1f-iii
  Scenario: Once the RDP corrects the Registration Data, the right NO is judged by it
    Given a SMETS1 ESME "meter-1" serving MPAN 1200000000002
    And NO-B is registered for MPAN 1200000000002 from 2025-01-01
    And the network operator certificates held for "meter-1" belong to NO-A
    When NO-A sends SRV 4.1.1 to "meter-1"
    Then the request is rejected by the DSP with E4
    Given the registration of NO-B for MPAN 1200000000002 is corrected to end at 2026-06-01 10:00
    And NO-A is registered for MPAN 1200000000002 from 2026-06-01 10:00
    When the time reaches 2026-06-01 10:00
    And NO-A sends SRV 4.1.1 to "meter-1"
    Then the request is applied
    When NO-B sends SRV 4.1.1 to "meter-1"
    Then the request is rejected by the DSP with E4
