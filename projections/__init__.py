"""Read models: tables, pure derivations, the projector and queries."""
