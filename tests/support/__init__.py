"""Helpers shared by the tests: real images, case files, and running the command line."""
