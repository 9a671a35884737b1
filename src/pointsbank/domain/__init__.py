"""The domain: aggregates, their events and the rules that decide them. No I/O, no clock."""
