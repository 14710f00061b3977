@req:CRIT-precommand-access
Feature: A signed pre-command passes the User and web service checks
  Command Variant 5 carries a Signed Pre-Command on the Send Command web service (DUIS 5.4
  XSD, CommandVariant). It is a request of its own: a User suspended after the DSP
  transformed its request cannot complete it, and a signed pre-command sent to the transform
  web service is refused, under every profile, on SMETS1 and SMETS2 alike.

  Background:
    Given the time is 2026-03-01 10:00
    And the following Users:
      | name       | role |
      | NO-A       | ED   |
      | Supplier-1 | IS   |
    And the Registration Data for MPAN 1200000000002:
      | party      | from       | until |
      | NO-A       | 2025-01-01 |       |
      | Supplier-1 | 2025-01-01 |       |

  Scenario Outline: A User suspended before it signs the pre-command cannot complete it
    Given a <generation> ESME "meter-1" serving MPAN 1200000000002
    And the network operator certificates held for "meter-1" belong to NO-A
    When NO-A sends SRV 6.15.1 to "meter-1" replacing the network operator certificates with those of NO-A, being suspended before it signs the pre-command
    Then the request is rejected by the DSP with E3
    And the network operator certificates held for "meter-1" belong to NO-A

    Examples:
      | generation |
      | SMETS1     |
      | SMETS2     |

  Scenario Outline: A signed pre-command sent to the transform web service is refused
    Given a <generation> ESME "meter-1" serving MPAN 1200000000002
    And the supplier certificates held for "meter-1" belong to Supplier-1
    When Supplier-1 sends SRV 6.15.1 to "meter-1" replacing the supplier certificates with those of Supplier-1, sending the signed pre-command on the transform web service
    Then the request is rejected by the DSP with E13

    Examples:
      | generation |
      | SMETS1     |
      | SMETS2     |
