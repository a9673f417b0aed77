"""The aiohttp application and the composition root: web pages, REST API, imports, CLI."""
