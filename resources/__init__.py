"""Teleavis resources."""
