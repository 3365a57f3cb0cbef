"""Rendering of documents to print formats."""
