"""The deployment files: the Dockerfile, docker-compose.yml, the Helm chart and the alert rules.

Static checks always run. `helm`, `promtool` and `docker compose` check the same files further
when they are installed, and those parts skip, saying how to install them, when they are not.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
CHART = ROOT / "deploy" / "helm" / "supportgraph"
ALERTS = ROOT / "deploy" / "prometheus" / "alerts.yml"
ALERT_TESTS = ROOT / "deploy" / "prometheus" / "alerts_test.yml"
VARIABLE = re.compile(r"\bSUPPORTGRAPH_[A-Z0-9_]*[A-Z0-9]\b")

EXPORTED_METRICS = frozenset(
    {
        "supportgraph_turn_seconds",
        "supportgraph_turns_total",
        "supportgraph_errors_total",
        "supportgraph_intent_confidence",
        "supportgraph_tokens_total",
        "supportgraph_cost_usd_total",
        "supportgraph_websocket_connections",
        "supportgraph_queue_waiting",
        "supportgraph_csat",
    }
)
"""What the app's /metrics exports; histograms add `_bucket`, `_sum` and `_count` series."""

SEVERITIES = frozenset({"critical", "warning", "info"})
PROMTOOL_MISSING = "promtool is not installed (Debian: apt-get install prometheus, which ships it)"
HELM_MISSING = "helm is not installed (https://helm.sh/docs/intro/install/)"


def _known_variables() -> set[str]:
    """Every `SUPPORTGRAPH_*` variable the settings read or the README documents."""
    text = (ROOT / "settings.py").read_text() + (ROOT / "README.md").read_text()
    return set(VARIABLE.findall(text))


def _load(path: Path) -> Any:
    return yaml.safe_load(path.read_text())


# --- docker-compose.yml ---------------------------------------------------------------------


def _compose() -> dict[str, Any]:
    return _load(ROOT / "docker-compose.yml")


def _app_services(compose: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The services running the supportgraph image."""
    return {
        name: service
        for name, service in compose["services"].items()
        if "build" in service or str(service.get("image", "")).startswith("supportgraph")
    }


def _replicas(service: dict[str, Any]) -> int:
    return int(service.get("deploy", {}).get("replicas", 1))


def test_that_compose_runs_two_app_replicas_beside_postgres_redis_and_chroma() -> None:
    compose = _compose()
    services = compose["services"]
    apps = _app_services(compose)
    assert sum(_replicas(service) for service in apps.values()) == 2
    assert services["postgres"]["image"].startswith("postgres:16")
    assert services["redis"]["image"].startswith("redis:7")
    chroma = services["chroma"]["image"]
    assert chroma.startswith("chromadb/chroma:"), chroma
    assert chroma.rsplit(":", 1)[1] not in ("", "latest"), "pin the Chroma server's tag"


def test_that_the_chroma_server_matches_the_locked_client() -> None:
    locked = re.search(r"^chromadb==(\S+)$", (ROOT / "requirements.lock").read_text(), re.M)
    assert locked is not None
    assert _compose()["services"]["chroma"]["image"] == f"chromadb/chroma:{locked.group(1)}"


def test_that_every_compose_service_has_a_healthcheck_and_waits_for_healthy_ones() -> None:
    compose = _compose()
    services = compose["services"]
    for name, service in services.items():
        assert service.get("healthcheck", {}).get("test"), f"{name} has no healthcheck"
    for name, app in _app_services(compose).items():
        needs = app["depends_on"]
        for backing in ("postgres", "redis", "chroma"):
            assert needs[backing]["condition"] == "service_healthy", (name, backing)
        assert any("/health" in str(part) for part in app["healthcheck"]["test"]), name


def test_that_one_app_starts_first_and_the_other_waits_for_it() -> None:
    apps = _app_services(_compose())
    waiting = [name for name, app in apps.items() if set(app["depends_on"]) & set(apps)]
    assert len(waiting) == 1, "exactly one app waits for the other (it migrates and seeds)"
    first = (set(apps) - set(waiting)).pop()
    assert apps[waiting[0]]["depends_on"][first]["condition"] == "service_healthy"


def test_that_the_app_replicas_share_one_production_configuration() -> None:
    apps = list(_app_services(_compose()).values())
    environments = [app["environment"] for app in apps]
    assert all(env == environments[0] for env in environments)
    env = environments[0]
    assert str(env["SUPPORTGRAPH_DEV_AUTH"]) == "0"
    for name in ("SUPPORTGRAPH_DATABASE_URL", "SUPPORTGRAPH_REDIS_URL", "SUPPORTGRAPH_CHROMA_URL"):
        assert env[name], name
    # Shared secrets come from .env and are required, never written into the file.
    for name in ("SUPPORTGRAPH_ENCRYPTION_KEYS", "SUPPORTGRAPH_AUTH_SECRET"):
        assert re.fullmatch(r"\$\{" + name + r":\?[^}]+\}", env[name]), env[name]


def test_that_compose_sets_only_variables_the_settings_know() -> None:
    known = _known_variables()
    for name, app in _app_services(_compose()).items():
        unknown = {var for var in app["environment"] if var.startswith("SUPPORTGRAPH_")} - known
        assert not unknown, f"{name} sets unknown variables {sorted(unknown)}"


def test_that_the_compose_env_example_lists_every_required_secret() -> None:
    required = set(re.findall(r"\$\{(\w+):\?", (ROOT / "docker-compose.yml").read_text()))
    example = (ROOT / "deploy" / "compose.env.example").read_text()
    listed = set(re.findall(r"^(\w+)=", example, re.M))
    assert required and required <= listed, sorted(required - listed)
    assert listed - {"POSTGRES_PASSWORD"} <= _known_variables()


def _docker_compose() -> list[str] | None:
    """The `docker compose` command when the plugin is installed."""
    if shutil.which("docker") is None:
        return None
    probe = subprocess.run(
        ["docker", "compose", "version"], capture_output=True, text=True, check=False
    )
    return ["docker", "compose"] if probe.returncode == 0 else None


def test_that_docker_compose_accepts_the_file() -> None:
    command = _docker_compose()
    if command is None:
        pytest.skip("the docker compose plugin is not installed")
    env = {
        **os.environ,
        "POSTGRES_PASSWORD": "p",
        "SUPPORTGRAPH_ENCRYPTION_KEYS": "k1:AAAA",
        "SUPPORTGRAPH_AUTH_SECRET": "s",
        "SUPPORTGRAPH_SERVICE_TOKEN": "t",
    }
    done = subprocess.run(
        [*command, "-f", str(ROOT / "docker-compose.yml"), "config", "--quiet"],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert done.returncode == 0, done.stderr


# --- Dockerfile -----------------------------------------------------------------------------


def _dockerfile_stages() -> list[tuple[str, str, list[str]]]:
    """(image, stage name, instruction lines) per stage, with `ARG` defaults substituted."""
    lines = (ROOT / "Dockerfile").read_text().replace("\\\n", " ").splitlines()
    args: dict[str, str] = {}
    stages: list[tuple[str, str, list[str]]] = []
    for line in (raw.strip() for raw in lines):
        if not line or line.startswith("#"):
            continue
        if line.startswith("ARG ") and not stages and "=" in line:
            name, _, default = line[4:].partition("=")
            args[name.strip()] = default.strip()
        elif line.startswith("FROM "):
            parts = line.split()
            image = re.sub(r"\$\{(\w+)\}", lambda m: args.get(m.group(1), m.group(0)), parts[1])
            name = parts[3] if len(parts) > 3 and parts[2].upper() == "AS" else ""
            stages.append((image, name, []))
        elif stages:
            stages[-1][2].append(line)
    return stages


def test_that_the_image_builds_the_screens_on_node_20_and_runs_on_python_3_11_slim() -> None:
    stages = _dockerfile_stages()
    assert len(stages) >= 3, "web, build and runtime stages"
    images = {name: image for image, name, _ in stages}
    assert images["web"].startswith("node:20")
    web = "\n".join(stages[0][2])
    assert "npm ci" in web and "npm run build" in web
    final_image, _, _ = stages[-1]
    assert re.match(r"python:3\.11-slim", final_image), final_image


def test_that_the_build_stage_installs_the_lock_with_cpu_torch_and_bakes_the_models() -> None:
    build = "\n".join(next(lines for _, name, lines in _dockerfile_stages() if name == "build"))
    assert re.search(r"^COPY requirements\.lock ", build, re.M)
    assert "uv pip sync" in build
    assert "--extra-index-url https://download.pytorch.org/whl/cpu" in build
    assert "COPY --from=web " in build and "web/dist" in build
    assert re.search(r"SUPPORTGRAPH_MODELS_DIR=(\S+).*supportgraph build", build)


def test_that_the_runtime_stage_serves_the_baked_models_as_a_non_root_user() -> None:
    build = next(lines for _, name, lines in _dockerfile_stages() if name == "build")
    baked = re.search(r"SUPPORTGRAPH_MODELS_DIR=(\S+)", "\n".join(build))
    assert baked is not None
    runtime = "\n".join(_dockerfile_stages()[-1][2])
    assert f"SUPPORTGRAPH_MODELS_DIR={baked.group(1)}" in runtime
    assert f"COPY --from=build {baked.group(1)} " in runtime
    users = re.findall(r"^USER (\S+)", runtime, re.M)
    assert users and users[-1] not in ("root", "0", "0:0")
    assert re.search(r"^HEALTHCHECK .*/health", runtime, re.M)
    assert re.search(r"^EXPOSE 8000$", runtime, re.M)
    assert "HOST=0.0.0.0" in runtime and "PORT=8000" in runtime
    assert "SUPPORTGRAPH_DEV_AUTH=0" in runtime
    assert re.search(r'^CMD \["supportgraph", "serve"\]$', runtime, re.M)


def test_that_the_dockerfile_sets_only_known_variables() -> None:
    used = set(VARIABLE.findall((ROOT / "Dockerfile").read_text()))
    assert used and used <= _known_variables(), sorted(used - _known_variables())


def test_that_the_build_context_leaves_out_local_state() -> None:
    ignored = set((ROOT / ".dockerignore").read_text().split())
    for entry in (".venv", ".data", "web/node_modules", "evals/redteam/.venv", "build", ".git"):
        assert entry in ignored, entry


# --- Helm chart -----------------------------------------------------------------------------

ACTION_LINE = re.compile(r"^\s*\{\{.*\}\}\s*$")
ACTION = re.compile(r"\{\{.*?\}\}")


def _skeleton(template: Path) -> dict[str, Any]:
    """A template's YAML shape: action-only lines dropped, inline actions made `X`.

    The chart keeps its templates plain enough for this: every value that Helm fills in stands
    on a line of its own or after a key.
    """
    lines = template.read_text().splitlines()
    text = "\n".join(ACTION.sub("X", line) for line in lines if not ACTION_LINE.match(line))
    return yaml.safe_load(text)


def _templates() -> dict[str, dict[str, Any]]:
    return {path.name: _skeleton(path) for path in sorted((CHART / "templates").glob("*.yaml"))}


def _values() -> dict[str, Any]:
    return _load(CHART / "values.yaml")


def _container(deployment: dict[str, Any]) -> dict[str, Any]:
    containers = deployment["spec"]["template"]["spec"]["containers"]
    assert len(containers) == 1
    return containers[0]


def test_that_the_chart_declares_its_resources() -> None:
    chart = _load(CHART / "Chart.yaml")
    assert chart["apiVersion"] == "v2" and chart["name"] == "supportgraph"
    kinds = {doc["kind"]: doc["apiVersion"] for doc in _templates().values()}
    assert kinds == {
        "ConfigMap": "v1",
        "Deployment": "apps/v1",
        "HorizontalPodAutoscaler": "autoscaling/v2",
        "PodDisruptionBudget": "policy/v1",
        "Service": "v1",
    }


def test_that_the_deployment_probes_health_for_startup_readiness_and_liveness() -> None:
    container = _container(_templates()["deployment.yaml"])
    ports = {port["name"]: port for port in container["ports"]}
    assert "http" in ports
    for probe in ("startupProbe", "readinessProbe", "livenessProbe"):
        assert container[probe]["httpGet"] == {"path": "/health", "port": "http"}, probe
    values = _values()["probes"]
    startup_seconds = values["startup"]["periodSeconds"] * values["startup"]["failureThreshold"]
    assert startup_seconds >= 300, "a first start seeds the store and indexes the knowledge base"


def test_that_the_deployment_takes_settings_from_the_config_map_and_the_existing_secret() -> None:
    container = _container(_templates()["deployment.yaml"])
    sources = [next(iter(source)) for source in container["envFrom"]]
    assert sources == ["configMapRef", "secretRef"]
    raw = (CHART / "templates" / "deployment.yaml").read_text()
    assert re.search(r"secretRef:\s+name: \{\{ required .*\.Values\.existingSecret \}\}", raw)
    env = {item["name"]: item["value"] for item in container["env"]}
    assert env["HOST"] == "0.0.0.0"
    values = _values()
    assert values["existingSecret"] == ""
    config = values["config"]
    assert str(config["SUPPORTGRAPH_DEV_AUTH"]) == "0"
    unknown = set(config) - _known_variables()
    assert not unknown, sorted(unknown)
    for secret in ("SUPPORTGRAPH_ENCRYPTION_KEYS", "SUPPORTGRAPH_AUTH_SECRET"):
        assert secret not in config, f"{secret} belongs in the Secret"


def test_that_pods_run_as_a_non_root_user_without_privileges() -> None:
    values = _values()
    pod, container = values["podSecurityContext"], values["securityContext"]
    assert pod["runAsNonRoot"] is True and pod["runAsUser"] != 0
    assert container["runAsNonRoot"] is True
    assert container["allowPrivilegeEscalation"] is False
    assert container["capabilities"]["drop"] == ["ALL"]
    raw = (CHART / "templates" / "deployment.yaml").read_text()
    assert "toYaml .Values.podSecurityContext" in raw and "toYaml .Values.securityContext" in raw
    assert values["resources"]["requests"]["cpu"], "the CPU autoscaler needs a CPU request"


def test_that_the_autoscaler_scales_on_cpu_from_at_least_two_replicas() -> None:
    hpa = _templates()["hpa.yaml"]["spec"]
    assert hpa["scaleTargetRef"]["kind"] == "Deployment"
    (metric,) = hpa["metrics"]
    assert metric["type"] == "Resource" and metric["resource"]["name"] == "cpu"
    assert metric["resource"]["target"]["type"] == "Utilization"
    raw = (CHART / "templates" / "hpa.yaml").read_text()
    for field, value in (
        ("minReplicas", "minReplicas"),
        ("maxReplicas", "maxReplicas"),
        ("averageUtilization", "targetCPUUtilizationPercentage"),
    ):
        assert f"{field}: {{{{ .Values.autoscaling.{value} }}}}" in raw, field
    scaling = _values()["autoscaling"]
    assert scaling["minReplicas"] >= 2
    assert scaling["maxReplicas"] >= scaling["minReplicas"]
    assert scaling["targetCPUUtilizationPercentage"] == 70
    deployment = _templates()["deployment.yaml"]["spec"]
    assert "replicas" not in deployment, "the autoscaler owns the replica count"


def test_that_a_disruption_budget_keeps_a_replica_serving() -> None:
    pdb = _templates()["pdb.yaml"]["spec"]
    assert "matchLabels" in pdb["selector"]
    values = _values()
    assert 1 <= values["podDisruptionBudget"]["minAvailable"]
    assert values["podDisruptionBudget"]["minAvailable"] < values["autoscaling"]["minReplicas"]


def test_that_every_value_a_template_reads_is_in_values_yaml() -> None:
    values = _values()
    for template in sorted((CHART / "templates").iterdir()):
        for path in re.findall(r"\.Values\.([A-Za-z0-9_.]+)", template.read_text()):
            node: Any = values
            for key in path.split("."):
                assert isinstance(node, dict) and key in node, f"{template.name}: .Values.{path}"
                node = node[key]


def _helm_template(*extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["helm", "template", "support", str(CHART), *extra],
        capture_output=True,
        text=True,
        check=False,
    )


def test_that_helm_renders_the_chart_into_valid_manifests() -> None:
    if shutil.which("helm") is None:
        pytest.skip(HELM_MISSING)
    lint = subprocess.run(
        ["helm", "lint", str(CHART), "--set", "existingSecret=supportgraph"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert lint.returncode == 0, lint.stdout + lint.stderr
    done = _helm_template("--set", "existingSecret=supportgraph")
    assert done.returncode == 0, done.stderr
    docs = {doc["kind"]: doc for doc in yaml.safe_load_all(done.stdout) if doc}
    container = _container(docs["Deployment"])
    assert container["readinessProbe"]["httpGet"]["path"] == "/health"
    assert container["envFrom"][1]["secretRef"]["name"] == "supportgraph"
    assert container["securityContext"]["runAsNonRoot"] is True
    assert docs["HorizontalPodAutoscaler"]["spec"]["minReplicas"] == 2


def test_that_helm_refuses_a_release_without_its_secret_or_with_one_replica() -> None:
    if shutil.which("helm") is None:
        pytest.skip(HELM_MISSING)
    assert "existingSecret" in _helm_template().stderr
    one = _helm_template("--set", "existingSecret=s", "--set", "autoscaling.minReplicas=1")
    assert one.returncode != 0 and "minReplicas" in one.stderr


# --- Prometheus alert rules -----------------------------------------------------------------


def _rules() -> list[dict[str, Any]]:
    return [rule for group in _load(ALERTS)["groups"] for rule in group["rules"]]


def test_that_every_alert_has_an_expression_a_duration_a_severity_and_a_summary() -> None:
    rules = _rules()
    assert rules
    for rule in rules:
        name = rule.get("alert")
        assert name and name.startswith("Supportgraph"), rule
        assert rule.get("expr"), name
        assert re.fullmatch(r"\d+[smh]", str(rule.get("for", ""))), name
        assert rule.get("labels", {}).get("severity") in SEVERITIES, name
        assert rule.get("annotations", {}).get("summary"), name
    assert {rule["labels"]["severity"] for rule in rules} == SEVERITIES
    names = [rule["alert"] for rule in rules]
    assert len(names) == len(set(names)), "alert names are unique"


def test_that_the_alerts_read_only_metrics_the_app_exports() -> None:
    for rule in _rules():
        for metric in re.findall(r"supportgraph_[a-z_]+", rule["expr"]):
            base = re.sub(r"_(bucket|sum|count)$", "", metric)
            assert base in EXPORTED_METRICS, f"{rule['alert']}: {metric}"
        for selector in re.findall(r"\bup\{([^}]*)\}", rule["expr"]):
            assert 'job="supportgraph"' in selector, rule["alert"]


def test_that_the_alert_list_covers_the_platform() -> None:
    by_severity: dict[str, str] = {}
    for rule in _rules():
        by_severity.setdefault(rule["labels"]["severity"], "")
        by_severity[rule["labels"]["severity"]] += rule["expr"]
    critical, warning, info = by_severity["critical"], by_severity["warning"], by_severity["info"]
    assert 'node="turn"' in critical and 'outcome="error"' in critical
    assert "up{" in critical and "supportgraph_queue_waiting" in critical
    assert 'outcome="escalated"' in warning and "[1d]" in warning
    assert "supportgraph_csat" in warning and 'outcome="automated"' in warning
    assert "up{" in info and "supportgraph_cost_usd_total" in info


def test_that_every_alert_has_a_unit_test_that_makes_it_fire() -> None:
    tests = _load(ALERT_TESTS)
    assert tests["rule_files"] == [ALERTS.name]
    fired = {
        case["alertname"]
        for test in tests["tests"]
        for case in test["alert_rule_test"]
        if case.get("exp_alerts")
    }
    quiet = {
        case["alertname"]
        for test in tests["tests"]
        for case in test["alert_rule_test"]
        if not case.get("exp_alerts")
    }
    names = {rule["alert"] for rule in _rules()}
    assert names <= fired, sorted(names - fired)
    assert names <= quiet, f"no test keeps these quiet: {sorted(names - quiet)}"


def test_that_the_metrics_module_exports_what_the_alerts_read() -> None:
    module = ROOT / "api" / "metrics.py"
    if not module.exists():
        pytest.skip("api/metrics.py, which exports /metrics, is not in this tree")
    source = module.read_text()
    used = {
        re.sub(r"_(bucket|sum|count)$", "", metric)
        for rule in _rules()
        for metric in re.findall(r"supportgraph_[a-z_]+", rule["expr"])
    }
    # prometheus_client adds a counter's `_total` itself.
    missing = {m for m in used if m not in source and m.removesuffix("_total") not in source}
    assert not missing, sorted(missing)


def _promtool(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["promtool", *args], capture_output=True, text=True, check=False, cwd=ALERTS.parent
    )


def test_that_promtool_accepts_the_rules() -> None:
    if shutil.which("promtool") is None:
        pytest.skip(PROMTOOL_MISSING)
    done = _promtool("check", "rules", ALERTS.name)
    assert done.returncode == 0, done.stdout + done.stderr


def test_that_the_rules_pass_their_promtool_unit_tests() -> None:
    if shutil.which("promtool") is None:
        pytest.skip(PROMTOOL_MISSING)
    done = _promtool("test", "rules", ALERT_TESTS.name)
    assert done.returncode == 0, done.stdout + done.stderr
