"""An article's text made comparable: furniture, segments, fingerprints, sketches, dates, metadata."""
