"""Tests of searchlib.index._engine: one module per engine module, a test per overridden hook."""
