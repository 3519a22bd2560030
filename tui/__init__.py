"""The Textual app the clerk works in."""
