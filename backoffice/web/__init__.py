"""The backoffice web application (aiohttp, server-rendered pages)."""
