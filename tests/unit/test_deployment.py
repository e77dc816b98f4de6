"""Rasa endpoints from settings: Redis stores only when REDIS_URL is set, else SQLite stores that the
Rasa workers of one machine share."""
import pytest

from deploy.endpoints import rasa_endpoints, redis_store
from refund_desk.settings import load_settings


def settings(tmp_path, **env):
    return load_settings(environ=env, env_file=tmp_path / "none.env")


def test_one_machine_needs_the_action_server_and_sqlite_tracker_and_lock_stores(tmp_path):
    endpoints = rasa_endpoints(settings(tmp_path, ACTION_SERVER_URL="http://a:1/webhook",
                                        TRACKER_STORE_URL=f"sqlite:///{tmp_path}/c/conversations.db"))
    assert endpoints["action_endpoint"] == {"url": "http://a:1/webhook"}
    assert endpoints["tracker_store"] == {"type": "connectors.tracker_store.SharedSQLiteTrackerStore",
                                          "dialect": "sqlite", "db": f"{tmp_path}/c/conversations.db"}
    # the workers' locks beside the conversations (so a test's own folder holds both)
    assert endpoints["lock_store"] == {"type": "connectors.lock_store.SQLiteLockStore",
                                       "path": f"{tmp_path}/c/locks.db"}


def test_conversations_in_postgresql_keep_their_locks_under_var(tmp_path):
    from refund_desk.settings import VAR_DIR

    endpoints = rasa_endpoints(settings(tmp_path, TRACKER_STORE_URL="postgresql://u:p@db/conv"))
    assert endpoints["tracker_store"]["dialect"] == "postgresql"
    assert endpoints["lock_store"]["path"] == str(VAR_DIR / "locks.db")


def test_redis_url_adds_tracker_and_lock_stores(tmp_path):
    endpoints = rasa_endpoints(settings(tmp_path, REDIS_URL="redis://:s3cret@cache.internal:6380/2"))
    assert endpoints["tracker_store"] == {"type": "connectors.tracker_store.AppendingRedisTrackerStore",
                                          "url": "cache.internal", "port": 6380, "db": 2,
                                          "key_prefix": "refunddesk", "use_ssl": False, "password": "s3cret"}
    assert endpoints["lock_store"]["db"] == 3
    # our atomic subclass of RedisLockStore (connectors/lock_store.py), loaded by Rasa as module.Class
    assert endpoints["lock_store"]["type"] == "connectors.lock_store.AtomicRedisLockStore"


@pytest.mark.parametrize("url", ["localhost:6379", "http://cache/0", "redis://"])
def test_bad_redis_urls_are_refused(url):
    with pytest.raises(ValueError, match="REDIS_URL"):
        redis_store(url, "tracker_store")


def test_settings_read_dotenv_under_the_environment(tmp_path):
    env_file = tmp_path / ".env"
    env_file.write_text("DATABASE_URL=sqlite:////tmp/from-dotenv.db\nREFUND_POLICY=refund_policies/pro_spherent.yml\n")
    s = load_settings(environ={"DATABASE_URL": "sqlite:////tmp/from-env.db"}, env_file=env_file)
    assert s.database_url == "sqlite:////tmp/from-env.db"
    assert s.refund_policy.name == "pro_spherent.yml" and s.refund_policy.is_absolute()
    assert load_settings(environ={}, env_file=tmp_path / "missing").database_url.endswith("var/refund_desk.db")


@pytest.mark.parametrize("value, seconds", [("", 4.0), ("12", 12.0), ("0.1", 0.5), ("soon", 4.0), ("2.5", 2.5),
                                            ("nan", 4.0), ("inf", 4.0), ("-3", 0.5)])
def test_the_database_time_limit_is_a_setting(tmp_path, value, seconds):
    assert settings(tmp_path, DATABASE_TIMEOUT_SECONDS=value).database_timeout_seconds == seconds
