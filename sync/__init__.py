"""Teleavis sync."""
