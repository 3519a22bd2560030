"""Keeping the data safe: backups, the backup folder, restore, check, history, nightly job."""
