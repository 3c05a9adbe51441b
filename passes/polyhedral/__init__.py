"""Polyhedral passes on affine loops: dependences and scheduling with isl."""
