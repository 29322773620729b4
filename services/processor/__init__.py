"""Stream processors: the embedded runner and the faust workers."""
