"""Tests of the command line: in-process (CliRunner) and the installed script."""
