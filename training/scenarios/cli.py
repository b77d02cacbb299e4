"""Scenarios commands."""
from __future__ import annotations

#: Click commands and groups added to ``flask`` (see training.cli.COMMAND_MODULES).
commands: list = []
