"""The app through Streamlit's AppTest (no browser), signed in.

The app draws only its sign-in page until a user is signed in
(:mod:`views.signin`); :func:`app_test` puts a signed-in user in the
session before the first run, as the sign-in form would: an administrator
unless the test asks for another user (``user=None``: nobody, the sign-in
page).
"""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from geo.access import User
from tests import paths
from views.parts.plain import USER_KEY

#: The administrator the AppTest runs sign in as.
ADMIN = User(name="gw_admin", role="admin", display_name="测试管理员")


def app_test(app: str = paths.APP, *, timeout: float = 60, user: User | None = ADMIN) -> AppTest:
    """``AppTest.from_file(app)`` with ``user`` signed in (not run yet)."""
    at = AppTest.from_file(app, default_timeout=timeout)
    if user is not None:
        at.session_state[USER_KEY] = user
    return at
