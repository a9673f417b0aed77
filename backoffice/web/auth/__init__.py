"""Who is logged in, what each role may open, CSRF, login limits and the personal-data audit."""
