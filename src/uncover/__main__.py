"""`python -m uncover` runs the command line."""

from .cli import main

main()
