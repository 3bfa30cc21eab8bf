"""The deployment files agree with each other and with the app.

There is no container runtime on the test machines, so compose.yaml is read as data (with
YAML's merge keys, as Compose reads them) and checked against the Dockerfile, the Caddyfile and
the settings the app reads; Caddy itself validates the Caddyfile here, and
tests/e2e/test_deploy_caddy.py runs it in front of two real replicas.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tomllib
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load((ROOT / "compose.yaml").read_text())


def test_compose_runs_postgres_two_identical_replicas_and_the_proxy(compose: dict) -> None:
    services = compose["services"]
    assert set(services) == {"db", "app1", "app2", "proxy"}
    app1, app2 = services["app1"], services["app2"]
    assert app1 == app2, "the replicas must be configured alike"
    env = app1["environment"]
    assert env["PLAYGROUND_AUTH"] == "proxy"
    assert re.fullmatch(r"postgresql://banana:\$\{BANANA_DB_PASSWORD\}@db:5432/banana",
                        env["PLAYGROUND_DATABASE_URL"])
    assert services["db"]["environment"]["POSTGRES_DB"] == "banana"
    assert app1["depends_on"]["db"]["condition"] == "service_healthy"
    assert "healthcheck" in services["db"]
    # One image volume for both replicas, where the app is told to keep its data.
    mounts = dict(m.split(":", 1)[::-1] for m in app1["volumes"] if not m.startswith("./"))
    assert mounts == {"/data": "images"} and env["PLAYGROUND_DATA_DIR"] == "/data"
    assert "images" in compose["volumes"]
    # Streamlit signs its cookies with this; every replica must hold the same one.
    assert env["STREAMLIT_SERVER_COOKIE_SECRET"].startswith("${BANANA_COOKIE_SECRET:?")


def test_every_file_compose_mounts_exists_and_the_users_file_parses(compose: dict) -> None:
    app = compose["services"]["app1"]
    for service in compose["services"].values():
        for mount in service.get("volumes", []):
            if mount.startswith("./"):
                assert (ROOT / mount.split(":")[0]).is_file(), mount
    users_in_container = app["environment"]["PLAYGROUND_USERS"]
    host_side = next(m.split(":")[0] for m in app["volumes"]
                     if m.split(":")[1] == users_in_container)
    users = tomllib.loads((ROOT / host_side).read_text())["users"]
    assert set(users.values()) <= {"operator", "member", "viewer"}
    assert compose["services"]["proxy"]["volumes"] == ["./deploy/Caddyfile:/etc/caddy/Caddyfile:ro"]


def test_caddy_upstreams_are_the_compose_replicas_on_the_port_the_image_serves(
        compose: dict) -> None:
    caddyfile = (ROOT / "deploy" / "Caddyfile").read_text()
    upstreams = re.search(r"reverse_proxy \{\$BANANA_UPSTREAMS:([^}]*)\}", caddyfile)
    assert upstreams, "the upstream list must keep its compose default"
    port = compose["services"]["app1"]["expose"][0]
    assert upstreams.group(1).split() == [f"app1:{port}", f"app2:{port}"]
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert f"--server.port={port}" in dockerfile and f"EXPOSE {port}" in dockerfile
    listen = re.search(r"\{\$BANANA_LISTEN:(:\d+)\}", caddyfile)
    assert listen and compose["services"]["proxy"]["ports"] == [f"8080{listen.group(1)}"]


def test_the_image_runs_as_a_user_with_a_health_check_and_holds_the_postgres_driver() -> None:
    dockerfile = (ROOT / "Dockerfile").read_text()
    user = re.search(r"^USER (\S+)$", dockerfile, re.MULTILINE)
    assert user and user.group(1) not in ("root", "0")
    assert "HEALTHCHECK" in dockerfile and "/_stcore/health" in dockerfile
    requirements = (ROOT / "requirements.txt").read_text()
    assert re.search(r"^psycopg\[binary\]==", requirements, re.MULTILINE)


def test_caddy_accepts_the_caddyfile() -> None:
    binary = shutil.which("caddy")
    if binary is None:
        pytest.fail("caddy is missing: run `bash scripts/test.sh`, which installs Debian's caddy")
    done = subprocess.run([binary, "validate", "--config", str(ROOT / "deploy" / "Caddyfile"),
                           "--adapter", "caddyfile"], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stdout + done.stderr
