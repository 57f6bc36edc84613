"""Quest-V experiments: boot configurations in QEMU and keep every record."""
