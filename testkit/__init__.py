"""Test support shared by tests/, bench/ and fuzz/ (kept out of the shipped `bot` package).

tests/ find it through pytest's `pythonpath`; bench and fuzz scripts put the repository root on
`sys.path` before importing it.
"""
