"""Capex analyses: quarters derived from filings, bases, the ledger and the guidance register."""
