"""Fetch and parse: the only stage that talks to the outside world (SEC API, files)."""
