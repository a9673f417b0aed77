"""Message templates: Jinja2 files in Russian with one block per form (SMS, email subject/text/HTML)."""
