"""The reference DSP: an in-process model of the DSP, the S1SP and the devices."""
