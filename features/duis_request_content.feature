@needs:xml_envelope
Feature: Signed, schema-valid requests the DSP cannot act on get a signed DUIS error
  A request the DSP can name (its RequestID read, its signature a known User's) is answered in
  DUIS even when the DSP refuses it: a request declaring another DUIS schema version than 5.4,
  or carrying values the XSD allows but the DSP cannot act on (a time of 24:00:00, a read log
  period that ends before it starts), gets a signed error response (E45), never a bare HTTP
  refusal. These scenarios need the DUIS envelope (a target reached
  over DUIS).

  Background:
    Given the time is 2026-03-01 10:00
    And the following Users:
      | name       | role |
      | Supplier-1 | IS   |
    And a SMETS2 ESME "meter-1" serving MPAN 1200000000002
    And Supplier-1 is registered for MPAN 1200000000002 from 2025-01-01

  @req:DUIS-schema-version
  Scenario: A request declaring DUIS 5.3 is not read as 5.4
    When Supplier-1 sends SRV 4.1.1 to "meter-1" signed with the schema version 5.3
    Then the request is rejected by the DSP with E45

  @req:DUIS-request-content
  Scenario: A read log period that ends before it starts
    When Supplier-1 sends SRV 4.8.1 to "meter-1" for the period 2026-05-01 to 2026-05-31 signed with an inverted read log period
    Then the request is rejected by the DSP with E45

  @req:DUIS-request-content
  Scenario: An execution time written as 24:00 of the day before
    When Supplier-1 sends SRV 4.1.1 to "meter-1" to take effect at 2026-03-02 signed with its midnight written as 24:00
    Then the request is rejected by the DSP with E45
