"""Demo organisation tree, users and sample documents."""
