"""Neutral facts and types: request and result types, the dated model catalog, what each
platform accepts (options), the one error tree, pure image facts, redaction and wording.

Imports nothing else of the project: every other package may import it.
"""
