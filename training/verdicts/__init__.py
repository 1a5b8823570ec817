"""Labelled data and training for the extortion verdict model."""
