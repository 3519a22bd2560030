"""Checks on the work: spot checks (抽查), problems and rectification, petitions, reviews."""
