"""Sign-in limits hold across worker processes: two gunicorn workers share their counts through Redis.

The audit found that with limits kept in each process, 38 of 60 wrong passwords got through in a
minute with four workers. Here a real gunicorn with two workers and a real Redis server count
together: the account's allowance is spent once, whichever worker answers.
"""
import os
import re
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests
from flask_migrate import upgrade

from confapp import create_app
from confapp.extensions import db
from confapp.models import Network
from confapp.services.networks import accounts

ROOT = Path(__file__).resolve().parent.parent
GUNICORN = Path(sys.executable).parent / "gunicorn"
REDIS = shutil.which("redis-server")
EMAIL = "organisation@wittenberg.example"

pytestmark = pytest.mark.skipif(not REDIS or not GUNICORN.exists(), reason="needs redis-server and gunicorn")

def _database_with_an_admin(url: str) -> None:
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url, "RATELIMIT_ENABLED": False})
    with app.app_context():
        upgrade()
        db.session.add(Network(slug="wittenberg", name="Netzwerk Kinderschutz Wittenberg"))
        db.session.commit()
        accounts.grant_role(EMAIL, "wittenberg", "admin", password="ein langes Passwort hier")
        db.session.remove()
        db.engine.dispose()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(check, what: str, process: subprocess.Popen, seconds: float = 120) -> None:
    """Until ``check()`` holds; a busy shared machine takes a while to import the app."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and process.poll() is None:
        try:
            if check():
                return
        except (OSError, requests.RequestException):
            pass
        time.sleep(0.1)
    raise AssertionError(f"{what} did not start")


@pytest.fixture
def two_workers(tmp_path):
    redis_port, web_port = free_port(), free_port()
    env = {**os.environ, "SECRET_KEY": "test-" + "x" * 40, "DATABASE_URL": f"sqlite:///{tmp_path / 'app.sqlite'}",
           "RATELIMIT_STORAGE_URI": f"redis://127.0.0.1:{redis_port}/0", "RATELIMIT_ENABLED": "1",
           "BASE_URL": f"http://127.0.0.1:{web_port}", "FLASK_DEBUG": "0"}
    started = []
    try:
        started.append(subprocess.Popen([REDIS, "--port", str(redis_port), "--bind", "127.0.0.1", "--save", "",
                                         "--appendonly", "no", "--dir", str(tmp_path)],
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        _database_with_an_admin(env["DATABASE_URL"])
        # --preload: the app is imported once and forked, as many deployments run it.
        started.append(subprocess.Popen([str(GUNICORN), "-w", "2", "--preload", "--graceful-timeout", "2", "-b", f"127.0.0.1:{web_port}",
                                         "wsgi:app"],
                                        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        url = f"http://127.0.0.1:{web_port}"
        wait_for(lambda: requests.get(url + "/manage/anmelden", timeout=5).status_code == 200, "gunicorn",
                 started[-1])
        yield url
    finally:
        for process in reversed(started):
            process.terminate()
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def test_wrong_passwords_are_counted_once_across_workers(two_workers):
    statuses = []
    for _ in range(9):
        # A new connection (and browser session) each time, so both workers get their share.
        with requests.Session() as browser:
            page = browser.get(two_workers + "/manage/anmelden", headers={"Connection": "close"}, timeout=10)
            token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page.text).group(1)
            answer = browser.post(two_workers + "/manage/anmelden", timeout=10, headers={"Connection": "close"},
                                  data={"csrf_token": token, "email": EMAIL, "password": "falsch-falsch-falsch"})
            statuses.append(answer.status_code)
    assert statuses == [200] * 5 + [429] * 4
