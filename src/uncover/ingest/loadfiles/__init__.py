"""ingest/loadfiles"""
