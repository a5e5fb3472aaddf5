"""Errors a user can cause: the command line prints them as one line and exits with code 2."""


class UserError(Exception):
    """A mistake the user can fix (bad flag, unknown example, missing or corrupt file).

    The message is one line that says what went wrong, why, and what to do.
    """


class DataError(UserError):
    """A data file is missing, cannot be downloaded, is corrupt, or cannot be parsed."""


class MissingDataError(DataError):
    """A data file is not there: missing offline, not downloadable, or not where it was given.

    `explain` falls back to the synthetic twin on this error only; a file that is there but
    corrupt or malformed stays an error.
    """


class TimeLimitReached(KeyboardInterrupt):
    """`--time-limit`: a run stopped after an epoch because its time was up. A KeyboardInterrupt,
    so the run is recorded as interrupted, with its last epoch saved: `--resume` continues it."""
