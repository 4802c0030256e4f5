"""The package version, in a module of its own so that code inside jevons can name it without
importing the package root (the root imports the whole API)."""

__version__ = "0.1.0"
