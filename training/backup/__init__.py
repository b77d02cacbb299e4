"""Backup and restore: a consistent snapshot of every table in a portable file (gzip'd JSON lines) that restores
into an empty, migrated database of either kind (SQLite or PostgreSQL). See README.md, "Backup and restore"."""
