"""Teleavis core: the case model, validation, the encrypted store, settings, audit log."""

__version__ = "0.1.0"
__license__ = "LicenseRef-Proprietary"  # as pyproject.toml says (tests/ui/test_help.py checks they agree)
