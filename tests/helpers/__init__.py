"""Plain importable test helpers: the app and database set-up, factories, sign-in actions, form data.

conftest.py files only wrap these in fixtures; tests import them directly when they need a value or a function.
"""
