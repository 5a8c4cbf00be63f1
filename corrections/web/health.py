"""Liveness and readiness probes for load balancers and orchestrators."""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify
from sqlalchemy import text

from corrections.extensions import db, limiter

bp = Blueprint("health", __name__)


@bp.get("/healthz")
@limiter.exempt
def healthz():
    return jsonify({"status": "ok"})


def _check_database() -> str:
    try:
        db.session.execute(text("SELECT 1"))
        db.session.rollback()
    except Exception as exc:  # any failure to reach the database means "not ready"
        db.session.rollback()
        return f"unavailable: {type(exc).__name__}"
    return "ok"


def _check_redis(url: str) -> str:
    import redis

    try:
        client = redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=1)
        client.ping()
        client.close()
    except redis.RedisError as exc:
        return f"unavailable: {type(exc).__name__}"
    return "ok"


@bp.get("/readyz")
@limiter.exempt
def readyz():
    """Ready when the database answers, and Redis too when REDIS_URL is set."""
    checks = {"database": _check_database()}
    redis_url = current_app.config.get("REDIS_URL")
    if redis_url:
        checks["redis"] = _check_redis(redis_url)
    ready = all(value == "ok" for value in checks.values())
    body = {"status": "ok" if ready else "unavailable", **checks}
    return jsonify(body), 200 if ready else 503
