"""Allianse: keeps the therapeutic relationship in view."""
