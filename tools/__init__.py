"""Command-line entry points (thin: the logic lives in the polytile package)."""
