"""Importing a list: plan against the database, write in a second thread, undo."""
