"""Ingest: scan sources into a manifest, process each item in a child worker, commit documents."""
