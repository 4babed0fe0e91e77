"""Who took from whom: sources, direction, reuse families, credit lines, stories and storylines."""
