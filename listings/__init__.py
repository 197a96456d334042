"""Labs, role types, listings, applications and search."""
