"""pointsbank: an event-sourced volunteer points bank for urban communities."""
