"""Privacy tools: everything held about a person or an account, as one JSON document; and erasure that keeps the
record as an anonymous participant so that every programme figure stays the same.

What erasure keeps and removes is documented in README.md ("Privacy: export and erasure") and in
training.privacy.services.
"""
