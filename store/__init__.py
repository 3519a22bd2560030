"""The campaign's data: models, open_db, write functions with audit, domain rules. No UI here.

The ground (modules directly in store/: db, schema, migrations, audit, settings, lock, errors, fsio,
common, logfile, ids, phones, followup, vanished, runtime, cli_text, and sql/) is what every wing uses;
it imports no wing (tests/test_import_hygiene.py). The wings, one subject each: people/, town/, cases/,
checks/, campaign/, rosters/, reports/, imports/, safety/, demo/.
"""
