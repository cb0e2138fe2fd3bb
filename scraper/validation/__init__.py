"""Pure functions; see the modules."""
