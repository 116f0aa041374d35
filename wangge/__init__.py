"""Wangge: grid-based community governance and incident command."""
