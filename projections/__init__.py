"""Read models: tables kept current from the event log, and the queries over them."""
