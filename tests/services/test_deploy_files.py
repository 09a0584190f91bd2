"""The deployment files parse, and run every pipeline stage with real settings."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from earnest.config import Settings
from earnest.pipeline.wiring import STAGES

REPO = Path(__file__).resolve().parents[2]
K8S = REPO / "deploy" / "k8s"
SETTINGS = {f"EARNEST_{name.upper()}" for name in Settings.model_fields}


def compose() -> dict:
    return yaml.safe_load((REPO / "compose.yaml").read_text(encoding="utf-8"))


def manifests() -> list[dict]:
    docs = []
    for path in sorted(K8S.glob("*.yaml")):
        docs += [d for d in yaml.safe_load_all(path.read_text(encoding="utf-8")) if d]
    return docs


def by_kind(kind: str) -> dict[str, dict]:
    return {d["metadata"]["name"]: d for d in manifests() if d["kind"] == kind}


@pytest.mark.parametrize("stage", STAGES)
def test_compose_runs_replicas_of_every_stage(stage: str) -> None:
    workers = [s for s in compose()["services"].values() if s.get("command") == ["worker", stage]]
    assert len(workers) == 1
    assert workers[0]["deploy"]["replicas"] >= 2


def test_compose_has_services_api_and_ingest() -> None:
    services = compose()["services"]
    assert {"postgres", "rabbitmq"} <= set(services)
    assert services["api"]["command"] == ["serve"]
    assert services["ingest"]["command"][0] == "replay"
    for name, service in services.items():
        env = service.get("environment") or {}
        if "command" in service:
            assert env["EARNEST_DATABASE_URL"].startswith("postgresql://"), name
            assert env["EARNEST_BROKER_URL"].startswith("amqp://"), name
            assert set(env) <= SETTINGS, name


@pytest.mark.parametrize("stage", STAGES)
def test_kubernetes_runs_replicas_of_every_stage(stage: str) -> None:
    deployments = [d for d in by_kind("Deployment").values()
                   if d["spec"]["template"]["spec"]["containers"][0]["args"] == ["worker", stage]]
    assert len(deployments) == 1
    assert deployments[0]["spec"]["replicas"] >= 2


def test_kubernetes_settings_come_from_a_config_map_and_a_secret() -> None:
    (config,) = by_kind("ConfigMap").values()
    (secret,) = by_kind("Secret").values()
    assert set(config["data"]) <= SETTINGS
    assert set(secret["stringData"]) == {"EARNEST_DATABASE_URL", "EARNEST_BROKER_URL"}
    for name, deployment in by_kind("Deployment").items():
        (container,) = deployment["spec"]["template"]["spec"]["containers"]
        sources = {next(iter(ref.values()))["name"] for ref in container["envFrom"]}
        assert sources == {config["metadata"]["name"], secret["metadata"]["name"]}, name
        assert "env" not in container, name  # no URL, hence no password, in a Deployment


def test_kubernetes_api_is_a_service() -> None:
    api = by_kind("Deployment")["api"]
    (container,) = api["spec"]["template"]["spec"]["containers"]
    assert container["args"] == ["serve"]
    (service,) = by_kind("Service").values()
    assert service["spec"]["selector"] == api["spec"]["template"]["metadata"]["labels"]
    assert service["spec"]["ports"][0]["targetPort"] == container["ports"][0]["name"]


def test_kustomization_lists_every_manifest() -> None:
    kustomization = yaml.safe_load((K8S / "kustomization.yaml").read_text(encoding="utf-8"))
    files = {p.name for p in K8S.glob("*.yaml")} - {"kustomization.yaml"}
    assert set(kustomization["resources"]) == files


def test_the_image_installs_like_ci() -> None:
    """The image takes the same uv as the Makefile (which CI runs) and the locked versions."""
    makefile = (REPO / "Makefile").read_text(encoding="utf-8")
    dockerfile = (REPO / "Dockerfile").read_text(encoding="utf-8")
    [uv] = re.findall(r"uv==[0-9.]+", makefile)
    assert f"pip install --no-cache-dir {uv}" in dockerfile
    assert "$(UV) sync --frozen" in makefile and "uv sync --frozen --no-dev" in dockerfile
