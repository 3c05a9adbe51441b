"""Graph passes on ``tg``: identity removal, constant folding, batch-norm folding,
canonicalization, CSE and DCE (the ``tg`` stage's cleanups)."""
