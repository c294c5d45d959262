"""Accounts and roles: password hashing, users, server-side sessions, API tokens, CSRF, sign-in
back-off and the FastAPI dependencies that guard curator/admin/navigator routes.

Route authors need only `navigator.auth.deps` (role dependencies) and `navigator.auth.csrf`
(`csrf_input` for forms, `CsrfDep` for anonymous POST handlers)."""
