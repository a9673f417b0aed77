"""The ``[web]`` section of vozvrat.toml (or ``VOZVRAT_WEB_<KEY>``): sessions and login limits."""
from __future__ import annotations

from pydantic import BaseModel

from models.config import load_section


class WebSettings(BaseModel):
    # A Fernet key (32 url-safe base64 bytes) that encrypts the session cookie. Empty: a new key
    # per process start, so everyone logs in again after a restart (fine for the demo).
    secret_key: str = ""
    # Send the cookie only over HTTPS; set true behind TLS (the demo is plain http on loopback).
    secure_cookies: bool = False
    session_hours: int = 8
    # Failed logins allowed per login name and per address within the window, before a pause.
    login_attempts: int = 5
    # Higher per address: behind a reverse proxy every user shares one address.
    address_login_attempts: int = 50
    login_window_seconds: int = 300
    # Billing files uploaded through the importer page.
    max_upload_mb: int = 512
    # Where the photos couriers attach to their delivery results are kept (relative: to the
    # working directory).
    courier_photo_dir: str = "var/courier-photos"


def web_settings() -> WebSettings:
    return load_section("web", WebSettings)
