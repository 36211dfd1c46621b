"""What every layer may use: the step deadline, human-readable sizes and times, the OpenAI client's
errors as ours, and the identity and liveness of the process doing a step.  Imports nothing above
``settings`` and ``errors``."""
