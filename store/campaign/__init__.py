"""Campaigns (整治工作), their categories, standards, carry-over and benefit rules."""
