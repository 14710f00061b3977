Feature: Critical commands — a RequestID used once, signed by the sender, owned by the signer
  The protections of the critical flow hold whatever the device and under every profile: a
  RequestID counter is never accepted twice (for critical requests it protects the device
  against replay); the DSP itself refuses a pre-command the sender did not sign with its own
  digital-signing key, on SMETS1 as on SMETS2; the device (SMETS2) or the S1SP (SMETS1)
  refuses a command signed by a party that does not own the certificate it trusts, whoever is
  registered; and a NO that neither owns the NO certificate nor is registered is refused by
  the DSP before any of that (the last row of the DP107 table: no candidate fix changes it).

  Background:
    Given the time is 2026-03-01 10:00
    And the following Users:
      | name       | role |
      | NO-A       | ED   |
      | NO-B       | ED   |
      | Supplier-1 | IS   |
      | Supplier-2 | IS   |
    And a SMETS2 ESME "meter-1" serving MPAN 1200000000002
    And a SMETS1 ESME "meter-s1" serving MPAN 1200000000002
    And the Registration Data for MPAN 1200000000002:
      | party      | from       | until |
      | NO-A       | 2025-01-01 |       |
      | Supplier-2 | 2025-01-01 |       |
    And the network operator certificates held for "meter-1" belong to NO-A
    And the network operator certificates held for "meter-s1" belong to NO-A
    And the supplier certificates held for "meter-1" belong to Supplier-1
    And the supplier certificates held for "meter-s1" belong to Supplier-1

  @req:DUIS-request-id @req:CRIT-precommand
  Scenario: A critical request's RequestID cannot be used again
    When NO-A sends SRV 6.15.1 to "meter-s1" replacing the network operator certificates with those of NO-A
    Then the request is applied
    When the same request is sent again
    Then the request is rejected by the DSP with E44

  @req:CRIT-precommand
  Scenario: On a SMETS1 meter too, the DSP refuses a pre-command signed with someone else's key
    When NO-A sends SRV 6.15.1 to "meter-s1" replacing the network operator certificates with those of NO-A, signing the pre-command with the key of NO-B
    Then the request is rejected by the DSP with E51
    And the DSP and S1SP copies of the certificates for "meter-s1" agree
    And the network operator certificates held for "meter-s1" belong to NO-A

  @req:SEC-OWNERSHIP-SMETS2
  Scenario: The registered supplier cannot replace a supplier certificate it does not own
    When Supplier-2 sends SRV 6.15.1 to "meter-1" replacing the supplier certificates with those of Supplier-2
    Then the command is rejected by the device
    And the supplier certificates held for "meter-1" belong to Supplier-1

  @req:SEC-OWNERSHIP-SMETS1
  Scenario: The registered supplier cannot replace a SMETS1 supplier certificate it does not own
    When Supplier-2 sends SRV 6.15.1 to "meter-s1" replacing the supplier certificates with those of Supplier-2
    Then the outcome is "rejected by the S1SP"
    And the DSP and S1SP copies of the certificates for "meter-s1" agree
    And the supplier certificates held for "meter-s1" belong to Supplier-1

  @req:SRPD-6.1f-scope @req:SRPD-6.1f-iii
  Scenario: A NO that neither owns the certificate nor is registered is refused by the DSP
    When NO-B sends SRV 6.15.1 to "meter-s1" replacing the network operator certificates with those of NO-B
    Then the request is rejected by the DSP with E4
    And the network operator certificates held for "meter-s1" belong to NO-A
