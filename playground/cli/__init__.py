"""`python -m playground …`: one module per subcommand (generate, emulator, bench, export),
dispatched by main.py. Exit codes: 0 ok, 1 a backend failed, 2 bad input or configuration, or a
history that cannot be used (each module's docstring has its own). Input checks: edge.py.

May import any package except app/ (no Streamlit here).
"""
