"""The REST API under /api/ for billing systems and scripts, described by /api/openapi.json."""
