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


def out_of_memory(error: BaseException) -> bool:
    """Whether `error` says memory ran out: NumPy's `MemoryError`, or the backend's own kind
    (JAX and TensorFlow say RESOURCE_EXHAUSTED, torch's allocator "can't allocate memory")."""
    if isinstance(error, MemoryError):
        return True
    text = str(error)
    return (
        type(error).__name__ in ("ResourceExhaustedError", "OutOfMemoryError")
        or "RESOURCE_EXHAUSTED" in text
        or "can't allocate memory" in text
    )
