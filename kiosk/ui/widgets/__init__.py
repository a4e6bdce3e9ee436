"""Touch widgets reused by several screens."""
