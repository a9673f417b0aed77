"""The data model: SQLAlchemy entities, the engine/session factory, migrations and the debt ledger."""
