"""The read model and what reads it: figures, dashboard, pace, export rows, paper settings."""
