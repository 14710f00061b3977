@req:DP107-owner-to-registered
Feature: DP107 candidate C — the owner hands the NO certificate to the registered NO only
  Candidate fix: the owner of the currently notified Network Operator certificate of a SMETS1
  device may replace it (SRPD 6.1(f) is waived for it, as under dp107-owner-path), but only
  with certificates owned by the NO registered for the device's MPAN or MPRN at the execution
  time. Proof of possession stays with the S1SP; the hazard (a correct NO placing another
  NO's certificate) is closed.

  Background:
    Given the time is 2026-06-01 09:00
    And the following Users:
      | name | role |
      | NO-A | ED   |
      | NO-B | ED   |
      | NO-C | ED   |
    And a SMETS1 ESME "meter-1" serving MPAN 1200000000002
    And NO-A is registered for MPAN 1200000000002 from 2025-01-01

  @req:DP107-deadlock @req:DSP-S1SP-consistency
  @situation:deadlock-owner @actor:certificate-owner
  Scenario: The owner of the wrong certificate gives it back to the registered NO
    Given the network operator certificates held for "meter-1" belong to NO-B
    When NO-B sends SRV 6.15.1 to "meter-1" replacing the network operator certificates with those of NO-A
    Then the outcome depends on the profile:
      | profile                   | outcome                     | effect   |
      | baseline                  | rejected by the DSP with E4 | stuck    |
      | dp107-owner-path          | applied                     | restores |
      | dp107-registered-path     | rejected by the DSP with E4 | stuck    |
      | dp107-owner-to-registered | applied                     | restores |
    And the DSP and S1SP copies of the certificates for "meter-1" agree

  @situation:deadlock-owner @actor:certificate-owner
  Scenario: The owner of the wrong certificate cannot hand it to a third NO
    Given the network operator certificates held for "meter-1" belong to NO-B
    When NO-B sends SRV 6.15.1 to "meter-1" replacing the network operator certificates with those of NO-C
    Then the outcome depends on the profile:
      | profile                   | outcome                          | effect  |
      | baseline                  | rejected by the DSP with E4      | stuck   |
      | dp107-owner-path          | applied                          | risk    |
      | dp107-registered-path     | rejected by the DSP with E4      | stuck   |
      | dp107-owner-to-registered | rejected by the DSP with E061504 | guarded |

  @req:DP107-hazard @situation:hazard @actor:registered-no
  Scenario: The correct NO cannot place another NO's certificate by mistake
    Given the network operator certificates held for "meter-1" belong to NO-A
    When NO-A sends SRV 6.15.1 to "meter-1" replacing the network operator certificates with those of NO-B
    Then the outcome depends on the profile:
      | profile                   | outcome                          | effect  |
      | dp107-owner-to-registered | rejected by the DSP with E061504 | guarded |
      | any other profile         | applied                          | risk    |

  @profile:dp107-owner-to-registered @req:DP107-hazard
  @situation:hazard @actor:registered-no @effect:restores
  Scenario: Under candidate C the mistaken placement leaves the right certificate in place
    Given the network operator certificates held for "meter-1" belong to NO-A
    When NO-A sends SRV 6.15.1 to "meter-1" replacing the network operator certificates with those of NO-B
    Then the request is rejected by the DSP with E061504
    And the network operator certificates held for "meter-1" belong to NO-A
    And the DSP and S1SP copies of the certificates for "meter-1" agree

  @req:SEC-OWNERSHIP-SMETS1 @situation:deadlock-registered-no @actor:registered-no
  Scenario: The registered NO that does not own the certificate is still refused by the S1SP
    Given the network operator certificates held for "meter-1" belong to NO-B
    When NO-A sends SRV 6.15.1 to "meter-1" replacing the network operator certificates with those of NO-A
    Then the outcome depends on the profile:
      | profile               | outcome              | effect   |
      | dp107-registered-path | applied              | restores |
      | any other profile     | rejected by the S1SP | stuck    |

  @req:MP063-check @req:DP107-hazard @situation:hazard @actor:registered-no
  Scenario: Unlike the MP063 check, candidate C also looks at a NO's own request
    Given the network operator certificates held for "meter-1" belong to NO-A
    When NO-A sends SRV 6.15.1 to "meter-1" replacing the network operator certificates with those of NO-B
    Then the outcome depends on the profile:
      | profile                                 | outcome                          | effect  |
      | dp107-owner-to-registered               | rejected by the DSP with E061504 | guarded |
      | dp107-owner-to-registered+mp063-check   | rejected by the DSP with E061504 | guarded |
      | any other profile                       | applied                          | risk    |

  @req:DP107-deadlock
  Scenario: Who holds the NO certificate after the owner's correction depends on the profile
    Given the network operator certificates held for "meter-1" belong to NO-B
    When NO-B sends SRV 6.15.1 to "meter-1" replacing the network operator certificates with those of NO-A
    Then the network operator certificates held for "meter-1" depend on the profile:
      | profile                   | holder |
      | dp107-owner-path          | NO-A   |
      | dp107-owner-to-registered | NO-A   |
      | any other profile         | NO-B   |

  @req:SRV-6.21-handover
  Scenario: A DCC-controlled device holds no supplier certificate of any User
    Given a DCC-controlled SMETS2 ESME "meter-2" serving MPAN 1200000000002
    Then no supplier certificates are held for "meter-2"
