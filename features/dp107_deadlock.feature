@req:DP107-deadlock
Feature: DP107 — a wrong Network Operator certificate held by proxy for a SMETS1 meter
  For a SMETS1 device the DCC holds the Network Operator certificates by proxy, in the DSP
  and in the SMETS1 Service Provider. SRV 6.15.1 "Update Security Credentials (KRP)" is a
  Critical Service Request: the S1SP only executes it when it is signed by the owner of the
  certificate currently notified, and SRPD 6.1(f) makes the DSP check the Registration Data
  for SMETS1 Critical Service Requests too. When another NO's certificate has been notified
  by mistake, nobody can put the right one back.

  Background:
    Given the time is 2026-03-01 10:00
    And the following Users:
      | name | role |
      | NO-A | ED   |
      | NO-B | ED   |
    And a SMETS1 ESME "meter-1" serving MPAN 1200000000002
    And NO-A is registered for MPAN 1200000000002 from 2025-01-01
    And the network operator certificates held for "meter-1" belong to NO-B

  @req:SRV-6.24.1-reported-holder
  @situation:deadlock-registered-no @actor:registered-no @effect:stuck
  Scenario: The registered NO finds out first, by a read, whose certificate the meter holds
    When NO-A sends SRV 6.24.1 to "meter-1"
    Then the read reports that "meter-1" holds "NO-B"'s certificate in the network operator cell
    And the read reports that "meter-1" holds no certificate in the supplier cell

  @req:SRV-6.24.1-reported-holder @req:SEC-OWNERSHIP-SMETS1
  @situation:deadlock-registered-no @actor:registered-no
  Scenario: The registered NO reads the wrong certificate, tries to replace it, and reads again
    When NO-A sends SRV 6.24.1 to "meter-1"
    Then the read reports that "meter-1" holds "NO-B"'s certificate in the network operator cell
    When NO-A sends SRV 6.15.1 to "meter-1" replacing the network operator certificates with those of NO-A
    Then the outcome depends on the profile:
      | profile                   | outcome              | effect   |
      | baseline                  | rejected by the S1SP | stuck    |
      | dp107-owner-path          | rejected by the S1SP | stuck    |
      | dp107-registered-path     | applied              | restores |
      | dp107-owner-to-registered | rejected by the S1SP | stuck    |
    When NO-A sends SRV 6.24.1 to "meter-1"
    Then the read reports whose certificate "meter-1" holds in the network operator cell, depending on the profile:
      | profile               | holder |
      | dp107-registered-path | NO-A   |
      | any other profile     | NO-B   |

  @req:SEC-OWNERSHIP-SMETS1 @situation:deadlock-registered-no @actor:registered-no
  Scenario: The registered NO cannot replace a certificate it does not own
    When NO-A sends SRV 6.15.1 to "meter-1" replacing the network operator certificates with those of NO-A
    Then the outcome depends on the profile:
      | profile                   | outcome              | effect   |
      | baseline                  | rejected by the S1SP | stuck    |
      | dp107-owner-path          | rejected by the S1SP | stuck    |
      | dp107-registered-path     | applied              | restores |
      | dp107-owner-to-registered | rejected by the S1SP | stuck    |

  @req:SRPD-6.1f-iii @situation:deadlock-owner @actor:certificate-owner
  Scenario: The owner of the wrong certificate is not the registered NO
    When NO-B sends SRV 6.15.1 to "meter-1" replacing the network operator certificates with those of NO-A
    Then the outcome depends on the profile:
      | profile                   | outcome                     | effect   |
      | baseline                  | rejected by the DSP with E4 | stuck    |
      | dp107-owner-path          | applied                     | restores |
      | dp107-registered-path     | rejected by the DSP with E4 | stuck    |
      | dp107-owner-to-registered | applied                     | restores |

  @req:SEC-OWNERSHIP-SMETS1 @req:DSP-S1SP-consistency
  @situation:deadlock-registered-no @actor:registered-no
  Scenario: Under a fix, the correction lands in both the DSP and the S1SP copies
    When NO-A sends SRV 6.15.1 to "meter-1" replacing the network operator certificates with those of NO-A
    Then the DSP and S1SP copies of the certificates for "meter-1" agree
    And the outcome depends on the profile:
      | profile                   | outcome              | effect   |
      | baseline                  | rejected by the S1SP | stuck    |
      | dp107-owner-path          | rejected by the S1SP | stuck    |
      | dp107-registered-path     | applied              | restores |
      | dp107-owner-to-registered | rejected by the S1SP | stuck    |

  @req:DP107-hazard @situation:hazard @actor:registered-no
  @profile:baseline @profile:dp107-owner-path @profile:dp107-registered-path
  Scenario: The correct NO places another NO's certificate by mistake, and cannot undo it
    Given the network operator certificates held for "meter-1" belong to NO-A
    When NO-A sends SRV 6.15.1 to "meter-1" replacing the network operator certificates with those of NO-B
    Then the request is applied
    And the network operator certificates held for "meter-1" belong to NO-B
    When NO-A sends SRV 6.15.1 to "meter-1" replacing the network operator certificates with those of NO-A
    Then the outcome depends on the profile:
      | profile                   | outcome              | effect   |
      | baseline                  | rejected by the S1SP | stuck    |
      | dp107-owner-path          | rejected by the S1SP | stuck    |
      | dp107-registered-path     | applied              | restores |
      | dp107-owner-to-registered | rejected by the S1SP | stuck    |
