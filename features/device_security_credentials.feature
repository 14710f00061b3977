Feature: SRV 6.24.2 — a device's own security credentials
  A Supplier asks a device for its own digital-signing or key-agreement certificate. The
  request is critical: the DSP transforms it, the supplier signs the pre-command, and the
  device answers only a command signed by the owner of the supplier certificate it trusts.
  Only a SMETS2 device holds a device certificate; a SMETS1 device holds none.

  Background:
    Given the time is 2026-03-01 10:00
    And the following Users:
      | name       | role |
      | Supplier-1 | IS   |
      | Supplier-2 | IS   |
      | NO-A       | ED   |
    And a SMETS2 ESME "meter-1" serving MPAN 1200000000002
    And a SMETS1 ESME "meter-s1" serving MPAN 1200000000002
    And the Registration Data for MPAN 1200000000002:
      | party      | from       | until |
      | Supplier-1 | 2025-01-01 |       |
      | NO-A       | 2025-01-01 |       |
    And the supplier certificates held for "meter-1" belong to Supplier-1
    And the supplier certificates held for "meter-s1" belong to Supplier-1

  @req:SRV-6.24.2-device-certificate
  Scenario: The supplier reads a SMETS2 meter's own certificate
    When Supplier-1 sends SRV 6.24.2 to "meter-1" asking for its key agreement certificate
    Then the request is applied

  @req:SRV-6.24.2-device-certificate
  Scenario: A SMETS1 meter holds no device certificate to read
    When Supplier-1 sends SRV 6.24.2 to "meter-s1"
    Then the request is rejected by the DSP with E062401

  @req:DUIS-E2
  Scenario: A Network Operator may not ask for a device's own certificate
    When NO-A sends SRV 6.24.2 to "meter-1"
    Then the request is rejected by the DSP with E2

  @req:SEC-OWNERSHIP-SMETS2
  Scenario: A supplier that does not own the supplier certificate is refused by the device
    When Supplier-2 sends SRV 6.24.2 to "meter-1" asking for its digital signature certificate
    Then the command is rejected by the device
