@req:CRIT-precommand-delay @needs:move_clock
Feature: A signed pre-command sent hours after its transform
  A critical Service Request travels twice: the DSP transforms it (Command Variant 4, I0 with
  the pre-command), then the User signs the pre-command and sends it (Command Variant 5).
  Nothing published says how long the User may take in between. The reference DSP keeps the
  transformed request pending, checks the signed pre-command as any CV 5 (the User, the web
  service, the pre-command and its signer) and does not look at the Registration Data again:
  what it checked at the transform stands (under `dp107-owner-to-registered`, the replacement
  must be the NO registered then). These scenarios record that answer.

  Background:
    Given the time is 2026-03-01 10:00
    And the following Users:
      | name | role |
      | NO-A | ED   |
      | NO-B | ED   |

  Scenario Outline: A pre-command signed six hours after its transform is still executed
    Given a <generation> ESME "meter-1" serving MPAN 1200000000002
    And NO-A is registered for MPAN 1200000000002 from 2025-01-01
    And the network operator certificates held for "meter-1" belong to NO-A
    When NO-A sends SRV 6.15.1 to "meter-1" replacing the network operator certificates with those of NO-A, signing the pre-command when the time reaches 2026-03-01 16:00
    Then the request is applied
    And the network operator certificates held for "meter-1" belong to NO-A

    Examples:
      | generation |
      | SMETS1     |
      | SMETS2     |

  @req:SRPD-6.1f-iii
  Scenario: The sender's registration ends between the transform and the signed pre-command
    Given a SMETS1 ESME "meter-1" serving MPAN 1200000000002
    And the Registration Data for MPAN 1200000000002:
      | party | from             | until            |
      | NO-A  | 2025-01-01       | 2026-03-01 12:00 |
      | NO-B  | 2026-03-01 12:00 |                  |
    And the network operator certificates held for "meter-1" belong to NO-A
    When NO-A sends SRV 6.15.1 to "meter-1" replacing the network operator certificates with those of NO-B, signing the pre-command when the time reaches 2026-03-01 16:00
    Then the outcome depends on the profile:
      | profile                   | outcome                          |
      | dp107-owner-to-registered | rejected by the DSP with E061504 |
      | any other profile         | applied                          |
    And the network operator certificates held for "meter-1" depend on the profile:
      | profile                   | holder |
      | dp107-owner-to-registered | NO-A   |
      | any other profile         | NO-B   |
