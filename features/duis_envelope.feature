@req:DUIS-signature @needs:xml_envelope
Feature: The DUIS envelope — every request signed by its originator
  Over DUIS, each request carries an enveloped XML signature naming the signer's XML-signing
  certificate (issuer and serial). The DSP refuses a request whose signature does not verify,
  whose certificate it does not know, or whose signer is not the originator in the RequestID.
  Only a target reached over DUIS has an envelope: in process these are not applicable.
  The meter is SMETS1, so the accepted request's outcome is readable from the S1SP's signed
  MMC answer (a SMETS2 meter's travels in GBCS).

  Background:
    Given the time is 2026-03-01 10:00
    And the following Users:
      | name       | role |
      | Supplier-1 | IS   |
      | Supplier-2 | IS   |
    And a SMETS1 ESME "meter-1" serving MPAN 1200000000002
    And Supplier-1 is registered for MPAN 1200000000002 from 2025-01-01

  Scenario: A tampered signature is refused
    When Supplier-1 sends SRV 4.1.1 to "meter-1" signed with a tampered signature
    Then the request is rejected by the DSP with E50

  Scenario: A signature by a certificate the DCC does not know is refused
    When Supplier-1 sends SRV 4.1.1 to "meter-1" signed with a certificate the DCC does not know
    Then the request is rejected by the DSP with E50

  Scenario: A signature by another User is refused
    When Supplier-1 sends SRV 4.1.1 to "meter-1" signed with another User's key
    Then the request is rejected by the DSP with E50

  Scenario: A correctly signed request is accepted
    When Supplier-1 sends SRV 4.1.1 to "meter-1"
    Then the request is applied
