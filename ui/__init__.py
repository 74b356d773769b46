"""Teleavis ui."""
