pytest_plugins = ["tests.browser_support", "tests.postgres_support"]

# Streamlit scripts that the browser tests serve; importing them for doctests would run them.
collect_ignore_glob = ["apps/*"]
