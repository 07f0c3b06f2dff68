"""Helpers shared by the tests that build, serve and browse a real site."""
