"""Errors the user can act on.

Every failure a user can cause (bad input, a missing store, a network outage) is raised as a
``JevonsError`` subclass whose message is one line naming the problem. The CLI prints that line
and exits with the class's ``exit_code``; nothing else reaches the terminal as a traceback.
"""

from __future__ import annotations


class JevonsError(Exception):
    """Base class: a one-line, user-facing message and a process exit code."""

    exit_code: int = 1

    def __init__(self, message: str) -> None:
        # Keep messages on one line whatever the caller passed in.
        super().__init__(" ".join(str(message).split()))

    @property
    def message(self) -> str:
        return str(self.args[0])


class UsageError(JevonsError):
    """A command was called with options that cannot work together or are out of range."""

    exit_code = 2


class UnknownCompanyError(JevonsError):
    """A ticker or CIK that neither the shipped map nor the store knows."""

    exit_code = 3


class InputDataError(JevonsError):
    """A file or payload that is malformed, truncated, or lacks what is needed."""

    exit_code = 4


class NetworkError(JevonsError):
    """A download failed after retries; nothing was written."""

    exit_code = 5


class StoreError(JevonsError):
    """The embedded store is missing, locked, or inconsistent with the package data."""

    exit_code = 6


class DataIntegrityError(JevonsError):
    """Shipped package data does not match its manifest (sha256 or columns)."""

    exit_code = 7
