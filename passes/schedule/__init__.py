"""The ``sched`` stage: kernel formation (``tg-fuse-kernels``), the default
scheduler, schedule verification, and applying schedules to linalg."""
