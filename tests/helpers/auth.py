"""Signing in and out through the pages, as a user would."""
from __future__ import annotations

from training.auth.models import Role

#: The password every factory-made user has.
PASSWORD = 'correct horse battery'


class AuthActions:
    def __init__(self, client, create_user):
        self._client = client
        self._create_user = create_user

    def login(self, user_or_email=None, password=PASSWORD):
        email = getattr(user_or_email, 'email', user_or_email)
        return self._client.post('/login', data={'email': email, 'password': password})

    def login_as(self, *roles: Role, **kwargs):
        user = self._create_user(roles=roles or (Role.trainee,), **kwargs)
        response = self.login(user)
        assert response.status_code == 302, response.get_data(as_text=True)
        return user

    def logout(self):
        return self._client.post('/logout')
