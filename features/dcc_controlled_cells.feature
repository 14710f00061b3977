@req:SRV-6.21-handover
Feature: DCC control is per remote party cell
  A DCC-controlled device holds the DCC's certificates in its remote party cells until each is
  handed over with SRV 6.21, one remote party role per request (the MMC 5.4 replacement modes
  for 6.21 are SupplierBySupplier and NetworkOperatorByNetworkOperator). Handing over the
  supplier cells leaves the network operator cells DCC-controlled, and the reverse.
  A Supplier's SRV 6.15.1 may place network operator certificates on an ESME only while its
  network operator cells still hold the DCC's certificates (reconciling the MMC's replacement
  modes for 6.15.1 with SECMP0063's Supplier-submitted 6.15.1 placing a NO certificate).

  Background:
    Given the time is 2026-03-01 10:00
    And the following Users:
      | name       | role |
      | Supplier-1 | IS   |
      | NO-A       | ED   |
    And the Registration Data for MPAN 1200000000002:
      | party      | from       | until |
      | Supplier-1 | 2025-01-01 |       |
      | NO-A       | 2025-01-01 |       |

  Scenario Outline: A supplier handover, then a network operator handover of the same device
    Given a DCC-controlled <generation> ESME "meter-2" serving MPAN 1200000000002
    When Supplier-1 sends SRV 6.21 to "meter-2" with the certificates of Supplier-1
    And Supplier-1 sends SRV 6.21 to "meter-2" with the certificates of NO-A
    Then the supplier certificates held for "meter-2" belong to Supplier-1
    And the network operator certificates held for "meter-2" belong to NO-A

    Examples:
      | generation |
      | SMETS1     |
      | SMETS2     |

  Scenario Outline: A cell already handed over cannot be handed over again
    Given a DCC-controlled <generation> ESME "meter-2" serving MPAN 1200000000002
    When Supplier-1 sends SRV 6.21 to "meter-2" with the certificates of NO-A
    And Supplier-1 sends SRV 6.21 to "meter-2" with the certificates of NO-A
    Then the request is rejected by the DSP with E062101
    And the network operator certificates held for "meter-2" belong to NO-A

    Examples:
      | generation |
      | SMETS1     |
      | SMETS2     |

  @req:SRV-6.15.1-role
  Scenario Outline: A Supplier places NO certificates with 6.15.1 only while the NO cells are the DCC's
    Given a DCC-controlled <generation> ESME "meter-1" serving MPAN 1200000000002
    And the supplier certificates held for "meter-1" belong to Supplier-1
    When Supplier-1 sends SRV 6.15.1 to "meter-1" replacing the network operator certificates with those of NO-A
    Then the network operator certificates held for "meter-1" belong to NO-A
    When Supplier-1 sends SRV 6.15.1 to "meter-1" replacing the network operator certificates with those of NO-A
    Then the request is rejected by the DSP with E061501

    Examples:
      | generation |
      | SMETS1     |
      | SMETS2     |

  @req:SRV-6.15.1-role
  Scenario Outline: A Supplier cannot replace a Network Operator's own certificates
    Given a <generation> ESME "meter-1" serving MPAN 1200000000002
    And the supplier certificates held for "meter-1" belong to Supplier-1
    And the network operator certificates held for "meter-1" belong to NO-A
    When Supplier-1 sends SRV 6.15.1 to "meter-1" replacing the network operator certificates with those of NO-A
    Then the request is rejected by the DSP with E061501
    And the network operator certificates held for "meter-1" belong to NO-A

    Examples:
      | generation |
      | SMETS1     |
      | SMETS2     |

  @req:SRV-6.24.1-reported-holder
  Scenario Outline: A read tells a cell still DCC-controlled from one handed over and from an empty one
    Given a DCC-controlled <generation> ESME "meter-2" serving MPAN 1200000000002
    And a <generation> ESME "meter-3" serving MPAN 1200000000002
    When Supplier-1 sends SRV 6.21 to "meter-2" with the certificates of Supplier-1
    And Supplier-1 sends SRV 6.24.1 to "meter-2"
    Then the read reports that "meter-2" holds "Supplier-1"'s certificate in the supplier cell
    And the read reports that "meter-2" is still DCC-controlled in the network operator cell
    When Supplier-1 sends SRV 6.24.1 to "meter-3"
    Then the read reports that "meter-3" holds no certificate in the network operator cell

    Examples:
      | generation |
      | SMETS1     |
      | SMETS2     |
