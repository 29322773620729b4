"""Alert rules evaluated as projections change, and the sinks that deliver alerts."""
