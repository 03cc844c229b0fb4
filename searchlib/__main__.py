"""``python -m searchlib`` runs the command-line tool."""

from searchlib.cli import main

if __name__ == "__main__":
    main()
