"""The campaign's data: models, open_db, write functions with audit, domain rules. No UI here."""
