Feature: The critical command flow — transform, sign, send signed, execute
  A Critical Service Request is sent with Command Variant 4; the DSP answers with the
  GBCS pre-command, which the User signs with its own digital-signing key and sends back as
  Command Variant 5 under the same RequestID. The DSP checks that the pre-command is
  unaltered and signed by the sender; the device (SMETS2) or the S1SP (SMETS1) then checks
  that the signer owns the certificate it trusts.

  Background:
    Given the time is 2026-03-01 10:00
    And the following Users:
      | name | role |
      | NO-A | ED   |
      | NO-B | ED   |
    And a SMETS2 ESME "meter-1" serving MPAN 1200000000002
    And a SMETS1 ESME "meter-s1" serving MPAN 1200000000002
    And NO-A is registered for MPAN 1200000000002 from 2025-01-01
    And the network operator certificates held for "meter-1" belong to NO-A
    And the network operator certificates held for "meter-s1" belong to NO-A

  @req:SEC-OWNERSHIP-SMETS2
  Scenario: The owner replaces its own certificates
    When NO-A sends SRV 6.15.1 to "meter-1" replacing the network operator certificates with those of NO-A
    Then the request is applied

  @req:CRIT-precommand
  Scenario: A pre-command signed with someone else's key is refused
    When NO-A sends SRV 6.15.1 to "meter-1" replacing the network operator certificates with those of NO-A, signing the pre-command with the key of NO-B
    Then the request is rejected by the DSP with E51

  @req:CRIT-precommand
  Scenario: A pre-command altered after signing is refused
    When NO-A sends SRV 6.15.1 to "meter-1" replacing the network operator certificates with those of NO-A, altering the pre-command after signing it
    Then the request is rejected by the DSP with E51

  @req:CRIT-precommand
  Scenario: A signed pre-command the DSP never issued is refused
    When NO-A sends a signed pre-command to "meter-1" that the DSP never transformed
    Then the request is rejected by the DSP with E53

  @req:DUIS-request-id
  Scenario: A RequestID counter is never accepted twice
    When NO-A sends SRV 4.1.1 to "meter-s1"
    Then the request is applied
    And the read reports the active import register of "meter-s1"
    When the same request is sent again
    Then the request is rejected by the DSP with E44

  @req:CRIT-future-dated @req:SEC-OWNERSHIP-SMETS2
  Scenario: A future-dated update waits for its execution time
    When NO-A sends SRV 6.15.1 to "meter-1" replacing the network operator certificates with those of NO-B, to take effect at 2026-03-10
    Then the request is pending
    And the network operator certificates held for "meter-1" belong to NO-A
    When the time reaches 2026-03-10
    Then the request is applied
    And the network operator certificates held for "meter-1" belong to NO-B

  @req:DSP-S1SP-consistency @needs:inject_faults
  @profile:baseline @profile:dp107-owner-path @profile:dp107-registered-path
  Scenario: An S1SP failure part-way through an update leaves both copies as they were
    Given the S1SP will fail part-way through its next certificate update
    When NO-A sends SRV 6.15.1 to "meter-s1" replacing the network operator certificates with those of NO-B
    Then the outcome is "rejected by the S1SP with S1SP02"
    And the DSP and S1SP copies of the certificates for "meter-s1" agree
    And the network operator certificates held for "meter-s1" belong to NO-A
    When NO-A sends SRV 6.15.1 to "meter-s1" replacing the network operator certificates with those of NO-B
    Then the request is applied
    And the DSP and S1SP copies of the certificates for "meter-s1" agree
    And the network operator certificates held for "meter-s1" belong to NO-B
