@req:SEC-OWNERSHIP-SMETS1-checker
Feature: Who checks a SMETS1 command's signer is a profile parameter
  For a SMETS1 critical command, the signer must own the notified certificate. No public text
  says whether the S1SP checks it after the DSP acknowledged the signed pre-command (I99), or
  the DSP checks it at once. The profile parameter `smets1_ownership_at` says which: `s1sp` on
  every standard profile (the S1SP answers with its own alert); the switch
  `+smets1-ownership-in-dsp` sets `dsp` (the DSP refuses the signed pre-command with E51).
  Either way the command does not run and the certificates stay as they were. Under
  `dp107-registered-path` the registered NO needs no proof of possession, whoever checks.

  Background:
    Given the time is 2026-03-01 10:00
    And the following Users:
      | name | role |
      | NO-A | ED   |
      | NO-B | ED   |
    And a SMETS1 ESME "meter-s1" serving MPAN 1200000000002
    And the Registration Data for MPAN 1200000000002:
      | party | from       | until |
      | NO-A  | 2025-01-01 |       |
    And the network operator certificates held for "meter-s1" belong to NO-B

  @req:SEC-OWNERSHIP-SMETS1
  Scenario: The registered NO signs a command for a certificate it does not own
    When NO-A sends SRV 6.15.1 to "meter-s1" replacing the network operator certificates with those of NO-A
    Then the outcome depends on the profile:
      | profile                                       | outcome                      |
      | dp107-registered-path                         | applied                      |
      | dp107-registered-path+smets1-ownership-in-dsp | applied                      |
      | +smets1-ownership-in-dsp                      | rejected by the DSP with E51 |
      | any other profile                             | rejected by the S1SP         |
