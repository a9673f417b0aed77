"""Work plans: their schema, the YAML files they live in, and loading them into the database."""
