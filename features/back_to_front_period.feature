@req:DUIS-request-content
Feature: A read-log period sent back to front on purpose is refused with a signed DUIS error
  A ReadLogPeriod whose end comes before its start is schema-valid (the XSD types both ends
  as dateTimes) but not a range the DSP can read. The tester writes it back to front on
  purpose; the request travels as it is written, and the DSP answers it in DUIS with E45
  (DUIS-request-content), under every profile. A period written back to front by accident
  (`for the period 2026-05-31 to 2026-05-01`) is refused by `check` before anything runs.

  Background:
    Given the time is 2026-06-01 09:00
    And the following Users:
      | name       | role |
      | Supplier-1 | IS   |
      | NO-A       | ED   |
    And a SMETS1 ESME "meter-1" serving MPAN 1200000000002
    And Supplier-1 is registered for MPAN 1200000000002 from 2025-01-01
    And NO-A is registered for MPAN 1200000000002 from 2025-01-01

  Scenario: The registered supplier asks for May read back to front
    When Supplier-1 sends SRV 4.8.1 to "meter-1" with the read-log period from 2026-05-31 to 2026-05-01, back to front on purpose
    Then the request is rejected by the DSP with E45

  Scenario: The registered network operator asks for a back-to-front period with times of day
    When NO-A sends SRV 4.8.1 to "meter-1" with the read-log period from 2026-05-31 23:30 to 2026-05-01 00:00, back to front on purpose
    Then the request is rejected by the DSP with E45

  Scenario: The refused request used no RequestID counter the next one needs
    When Supplier-1 sends SRV 4.8.1 to "meter-1" with the read-log period from 2026-05-31 to 2026-05-01, back to front on purpose
    And Supplier-1 sends SRV 4.8.1 to "meter-1" for the period 2026-05-01 to 2026-05-31
    Then the request is applied
    And the read reports 1440 log entries of "meter-1"
