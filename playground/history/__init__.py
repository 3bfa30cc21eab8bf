"""The store: rows (SQLite), content-addressed image files, migrations and review notes.
The only code that knows where an image lives on disk; callers name images by SHA-256.

Imports only domain/.
"""
