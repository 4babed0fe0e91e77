"""Readers, one a format: each turns the bytes of one file into ``Article`` records.

Every reader reports bad input as one line in ``errors`` naming the file and record, and goes on
with the rest; none raises on what a file contains. ``ingest`` chooses the reader by file name.
"""
