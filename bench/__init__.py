"""``make bench``: the figures of issue 16, each a ratio against a baseline of the same run."""
