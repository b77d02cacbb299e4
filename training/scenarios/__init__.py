"""Scenario exercises on the Framework of Analysis: player, live runs, item analysis."""
