"""The ``ggk`` command-line interface."""
