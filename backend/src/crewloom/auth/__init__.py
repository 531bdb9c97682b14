"""Authentication (passwords, tokens, API keys) and authorization (the permission matrix)."""
