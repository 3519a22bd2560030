"""People: persons, their search keys and their households."""
