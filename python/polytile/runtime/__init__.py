"""Running compiled code: JIT execution and numpy I/O."""
