"""Venue laptops and the central server: session packages out, signed sync files home (issue 17).

- ``fileformat``: the signed gzip'd JSON-lines file both directions use (pure).
- ``keys``: signing keys derived from the centre's SECRET_KEY.
- ``records``: database rows <-> plain records, matched by their ``uid``.
- ``package``: the centre writes a session's package; ``install``: a venue database starts from one.
- ``export``: the venue writes what happened since; ``importer`` (with ``merge_*``): the centre applies it, all or
  nothing, idempotent, conflicts kept for the trainer (``models.SyncConflict``).
"""
