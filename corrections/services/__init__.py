"""The business rules: plain functions taking a session and arguments, returning domain
objects or raising a ``ServiceError`` kind. Services never touch the request."""
