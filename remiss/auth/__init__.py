"""Login through the city's identity provider (OpenID Connect), beside or instead of passwords.

- `config`: the environment's settings, parsed and checked when the settings load (no Django apps
  needed, so remiss/settings.py can import it).
- `provider`: the provider's endpoints, given explicitly or discovered lazily at the first login.
- `backends`: `CityAccountBackend` (mozilla-django-oidc's backend, matching a person to an existing
  user by one claim; never creating one) and `PasswordBackend` (passwords, or only superusers').
- `groups`: role and bodies from the provider's group claim, when a mapping is configured.
- `refusals`: why a login was refused, in Swedish, with the page's HTTP status.
- `logout`: the provider's end-session address (RP-initiated logout).
- `views`: the login page, logout, and the callback that shows a Swedish page for every refusal.
"""
