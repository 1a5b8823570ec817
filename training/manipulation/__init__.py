"""Training data and training script of the manipulation model."""
