"""The CPU target's passes: layout folding, loop interchange for locality, math
approximations, the workspace, kernel outlining and profiling."""
