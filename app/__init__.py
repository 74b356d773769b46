"""Teleavis core: the case model, validation, the encrypted store, settings, audit log."""

__version__ = "0.1.0"
