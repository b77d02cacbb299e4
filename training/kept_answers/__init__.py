"""Answers sent when the session had ended are kept and given back after signing in again (issue 13 item 7)."""
