"""Audit log: who changed roles, merged, imported, exported or erased what, and when (administrators read it)."""
