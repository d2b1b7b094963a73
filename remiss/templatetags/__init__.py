"""Template tags and filters for remiss's own templates."""
