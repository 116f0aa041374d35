"""Neutral helpers shared by several apps: map boxes, coordinate systems, photo checks and
rate limits. They import no app (the "neutral-helpers" import contract)."""
