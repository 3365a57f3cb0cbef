"""Every write goes through a function of this package: one transaction, its event included."""
