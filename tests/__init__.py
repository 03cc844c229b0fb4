"""The tests of searchlib, a package so that shared helpers import as ``tests.<module>``."""
