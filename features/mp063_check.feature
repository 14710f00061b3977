@req:MP063-check
Feature: MP063 — a Supplier may only place the registered NO's certificates
  The withdrawn modification SECMP0063, as the DCC proposed it: for Service Requests sent by a
  Supplier that place a Network Operator certificate (6.15.1 to an ESME, 6.21 to an ESME or
  GPF), the DSP rejects a certificate whose owner is not the NO registered for the meter point.
  It is a switch on top of any profile (`+mp063-check`). It does not look at a NO's own 6.15.1.

  Background:
    Given the time is 2026-03-01 10:00
    And the following Users:
      | name       | role |
      | Supplier-1 | IS   |
      | NO-A       | ED   |
      | NO-B       | ED   |
    And the Registration Data for MPAN 1200000000002:
      | party      | from       | until |
      | Supplier-1 | 2025-01-01 |       |
      | NO-A       | 2025-01-01 |       |

  @req:SRV-6.21-handover @situation:supplier-placement @actor:supplier
  Scenario Outline: A Supplier hands a DCC-controlled meter over to a NO's certificates
    Given a DCC-controlled SMETS2 ESME "meter-2" serving MPAN 1200000000002
    When Supplier-1 sends SRV 6.21 to "meter-2" with the certificates of <owner>
    Then the outcome depends on the profile:
      | profile           | outcome       | effect               |
      | any other profile | applied       | <without switch>     |
      | +mp063-check      | <with switch> | <with switch effect> |

    Examples:
      | owner | with switch                      | without switch | with switch effect |
      | NO-A  | applied                          | restores       | restores           |
      | NO-B  | rejected by the DSP with E062105 | risk           | guarded            |

  @req:SRV-6.15.1-role @situation:supplier-placement @actor:supplier
  Scenario Outline: A Supplier replaces the DCC's NO certificates on an ESME
    Given a DCC-controlled SMETS2 ESME "meter-1" serving MPAN 1200000000002
    And the supplier certificates held for "meter-1" belong to Supplier-1
    When Supplier-1 sends SRV 6.15.1 to "meter-1" replacing the network operator certificates with those of <owner>
    Then the outcome depends on the profile:
      | profile           | outcome       | effect               |
      | any other profile | applied       | <without switch>     |
      | +mp063-check      | <with switch> | <with switch effect> |

    Examples:
      | owner | with switch                      | without switch | with switch effect |
      | NO-A  | applied                          | restores       | restores           |
      | NO-B  | rejected by the DSP with E061505 | risk           | guarded            |

  @req:DP107-hazard @situation:hazard @actor:registered-no @effect:risk
  @profile:baseline @profile:dp107-owner-path @profile:dp107-registered-path
  Scenario: The check leaves a gap: a NO's own 6.15.1 placing another NO's certificate
    Given a SMETS1 ESME "meter-1" serving MPAN 1200000000002
    And the network operator certificates held for "meter-1" belong to NO-A
    When NO-A sends SRV 6.15.1 to "meter-1" replacing the network operator certificates with those of NO-B
    Then the request is applied
    And the network operator certificates held for "meter-1" belong to NO-B
