"""The town: villages and their names, members, zones (包片)."""
