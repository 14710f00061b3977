@req:DP107-smets2-contrast @req:SEC-OWNERSHIP-SMETS2 @situation:smets2-contrast
Feature: DP107 — on SMETS2 the owner of the current certificate can always correct it
  A SMETS2 device checks ownership itself and the DSP makes no Registration Data check for
  SMETS2 Critical Service Requests, so the wrong certificate can be replaced by its owner.
  The candidate DP107 fixes must not change SMETS2 behaviour.

  Background:
    Given the time is 2026-03-01 10:00
    And the following Users:
      | name | role |
      | NO-A | ED   |
      | NO-B | ED   |
    And a SMETS2 ESME "meter-1" serving MPAN 1200000000020
    And NO-A is registered for MPAN 1200000000020 from 2025-01-01
    And the network operator certificates held for "meter-1" belong to NO-B

  @actor:certificate-owner @effect:restores
  Scenario: The owner of the wrong certificate replaces it
    When NO-B sends SRV 6.15.1 to "meter-1" replacing the network operator certificates with those of NO-A
    Then the request is applied
    And the network operator certificates held for "meter-1" belong to NO-A

  @actor:registered-no @effect:stuck
  Scenario: The registered NO is refused by the device, under every profile
    When NO-A sends SRV 6.15.1 to "meter-1" replacing the network operator certificates with those of NO-A
    Then the command is rejected by the device
    And the network operator certificates held for "meter-1" belong to NO-B
