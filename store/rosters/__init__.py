"""在保名单: the rosters, who is covered, 漏保 suspects and roster checks."""
