"""Site-level records: accounts (and, beside them, study groups)."""

from portal.models.accounts import User

__all__ = ["User"]
