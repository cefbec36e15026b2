"""Sweeps: the run store, launching and collecting multiruns, strategy comparison, sensitivity."""
