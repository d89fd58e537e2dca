"""Maintainer tools that check the curriculum as a whole (learning order, time estimates, answer leaks)."""
