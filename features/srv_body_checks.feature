Feature: Service Request body checks for the certificate SRVs
  After the User, the device and the Registration Data, the DSP checks the body of
  6.15.1 (whose cells the sender may replace, the replacement certificates' role code and
  key usage, the execution time), 6.21 (only DCC-controlled devices) and 6.23 (the device's
  own meter point; the gaining supplier "will be" eligible).

  Background:
    Given the time is 2026-05-15 12:00
    And the following Users:
      | name       | role |
      | Supplier-1 | IS   |
      | Supplier-2 | IS   |
      | NO-A       | ED   |
    And a SMETS2 ESME "meter-1" serving MPAN 1200000000002
    And the Registration Data for MPAN 1200000000002:
      | party      | from       | until      |
      | Supplier-1 | 2025-01-01 | 2026-06-01 |
      | Supplier-2 | 2026-06-01 |            |
      | NO-A       | 2025-01-01 |            |
    And the network operator certificates held for "meter-1" belong to NO-A
    And the supplier certificates held for "meter-1" belong to Supplier-1

  @req:SRV-6.15.1-role
  Scenario: A Network Operator may not replace the supplier's cells
    When NO-A sends SRV 6.15.1 to "meter-1" replacing the supplier certificates with those of Supplier-1
    Then the request is rejected by the DSP with E061501

  @req:SRV-6.15.1-certificates
  Scenario: Replacement certificates with another role's code are refused
    When NO-A sends SRV 6.15.1 to "meter-1" replacing the network operator certificates with those of Supplier-1
    Then the request is rejected by the DSP with E061504

  @req:SRV-6.15.1-execution-time
  Scenario: An execution time in the past is refused
    When NO-A sends SRV 6.15.1 to "meter-1" replacing the network operator certificates with those of NO-A, to take effect at 2026-05-01
    Then the request is rejected by the DSP with E061506

  @req:SRV-6.21-handover
  Scenario: Only a DCC-controlled device can be handed over
    When Supplier-1 sends SRV 6.21 to "meter-1" with the certificates of Supplier-1
    Then the request is rejected by the DSP with E062101

  @req:SRV-6.21-handover
  Scenario: A DCC-controlled device is handed over to the supplier's certificates
    Given a DCC-controlled SMETS2 ESME "meter-new" serving MPAN 1200000000002
    When Supplier-1 sends SRV 6.21 to "meter-new" with the certificates of Supplier-1
    Then the request is applied
    And the supplier certificates held for "meter-new" belong to Supplier-1

  @req:SRV-6.23-cos
  Scenario: A change of supplier must name the device's own meter point
    When Supplier-1 sends SRV 6.23 to "meter-1" for MPAN 1400000000001 with the certificates of Supplier-1
    Then the request is rejected by the DSP with E062301

  @req:SRV-6.23-cos @req:SRPD-6.1f-will-be @req:SRPD-6.1f-ii
  Scenario: The gaining supplier's change of supplier takes effect at the switch
    When Supplier-2 sends SRV 6.23 to "meter-1" with the certificates of Supplier-2, to take effect at 2026-06-01
    Then the request is pending
    When the time reaches 2026-06-01
    Then the request is applied
    And the supplier certificates held for "meter-1" belong to Supplier-2

  @req:SRV-6.23-cos @req:SRPD-6.1f-iii
  Scenario: The gaining supplier cannot change supplier before its registration begins
    When Supplier-2 sends SRV 6.23 to "meter-1" with the certificates of Supplier-2
    Then the request is rejected by the DSP with E4

  @req:SRPD-6.1f-iii
  Scenario: The registered NO reads the device's security credentials
    When NO-A sends SRV 6.24.1 to "meter-1"
    Then the request is applied
