"""The only module that reads the environment (and, via the UI layer, Streamlit secrets).

Names follow Google's own conventions. Secrets are wrapped in `Secret`, whose
repr/str never reveal the value, so a stray log line or f-string cannot leak them.
"""

from __future__ import annotations

import json
import os
import stat
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from playground.domain.bounds import (  # noqa: F401 - re-exported: the CLI checks flags with them
    MAX_RETRIES,
    MAX_RETRY_WAIT_S,
    MAX_TIMEOUT_S,
    check_port,
    check_range,
    check_retries,
    check_retry_wait,
    check_timeout,
)
from playground.domain.errors import ConfigError, PlaygroundError
from playground.domain.gateway_keys import split_key_spec

AISTUDIO_DEFAULT_BASE = "https://generativelanguage.googleapis.com"
DEFAULT_LOCATION = "global"
DEFAULT_TIMEOUT_S = 300.0  # 4K Pro can take over 100 s (docs/wire-notes.md "Latency": use ≥ 180 s)
DEFAULT_RETRIES = 2
DEFAULT_MAX_RETRY_WAIT_S = 20.0  # the longest single wait between attempts, advice included
CLOUD_PLATFORM_SCOPE = "https://www.googleapis.com/auth/cloud-platform"
MAX_CREDENTIALS_BYTES = 1 << 20  # a service-account file is ~2.4 kB


class Secret:
    """A string that shows only its last four characters when printed."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        return self._value

    @property
    def masked(self) -> str:
        return f"…{self._value[-4:]}" if len(self._value) >= 8 else "…"

    def __repr__(self) -> str:
        return f"Secret({self.masked})"

    __str__ = __repr__

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other._value == self._value

    def __hash__(self) -> int:
        return hash(self._value)

    def __bool__(self) -> bool:
        return bool(self._value)


def default_data_dir() -> Path:
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "banana-split"


def gcloud_adc_path() -> Path:
    config_dir = os.environ.get("CLOUDSDK_CONFIG") or str(Path.home() / ".config" / "gcloud")
    return Path(config_dir) / "application_default_credentials.json"


@dataclass(frozen=True)
class AiStudioSettings:
    api_key: Secret | None = None
    key_source: str | None = None  # "env GOOGLE_API_KEY", "secrets GEMINI_API_KEY", "demo", …
    base_url: str = AISTUDIO_DEFAULT_BASE
    api_version: str = "v1beta"  # docs/wire-notes.md "Hosts": v1 rejected responseModalities
    #: Top-level request field that asks for a service tier (UNCONFIRMED; "" = never sent).
    service_tier_field: str = "serviceTier"

    @property
    def is_configured(self) -> bool:
        return bool(self.api_key)


@dataclass(frozen=True)
class VertexSettings:
    project: str | None = None
    location: str = DEFAULT_LOCATION
    credentials_file: str | None = None  # service-account or ADC JSON
    credentials_source: str | None = None  # "env GOOGLE_APPLICATION_CREDENTIALS", "gcloud ADC", "demo"
    express_api_key: Secret | None = None
    express_key_source: str | None = None
    base_url: str | None = None  # None = chosen by location (clients/vertex.py)
    api_version: str = "v1"
    use_metadata_server: bool = False  # ADC from GCE/Cloud Run metadata (opt-in: offline probing is slow)
    #: How Vertex takes a tier request is UNCONFIRMED: not sent unless a field is configured.
    service_tier_field: str = ""

    @property
    def is_express(self) -> bool:
        return bool(self.express_api_key) and not self.credentials_file

    @property
    def is_configured(self) -> bool:
        if self.is_express:
            return True
        return bool(self.project) and (bool(self.credentials_file) or self.use_metadata_server)


@dataclass(frozen=True)
class GatewaySettings:
    """The OpenAI-compatible gateway (playground/gateway/): who may call it and how much."""

    keys: tuple[tuple[str, Secret], ...] = ()  # PLAYGROUND_GATEWAY_KEYS (domain/gateway_keys.py)
    rpm: int | None = 60  # upstream calls per key per minute; None = no limit
    daily_budget_usd: float | None = None  # estimated spend per key per UTC day; None = none
    url_ttl_s: float = 3600.0  # lifetime of response_format=url links (OpenAI's: 60 min)
    imagen_target: str = "gemini-2.5-flash-image"  # what Imagen :predict payloads become
    stream_hold_s: float = 15.0  # chat streams wait this long before sending keep-alives


@dataclass(frozen=True)
class Settings:
    aistudio: AiStudioSettings = field(default_factory=AiStudioSettings)
    vertex: VertexSettings = field(default_factory=VertexSettings)
    data_dir: Path = field(default_factory=default_data_dir)
    timeout_s: float = DEFAULT_TIMEOUT_S
    retries: int = DEFAULT_RETRIES
    max_retry_wait_s: float = DEFAULT_MAX_RETRY_WAIT_S
    emulator_profile: str | None = None
    emulator_port: int = 0  # 0 = any free port
    demo_platforms: frozenset[str] = frozenset()  # platforms served by the built-in emulator
    gateway: GatewaySettings = field(default_factory=GatewaySettings)

    def secrets(self) -> list[str]:
        """Every secret value these settings know of, for redaction of any text we emit: API
        keys, and the private parts (and client email) of the credentials file, line by line
        so a fragment is caught too."""
        out = [s.reveal() for s in (self.aistudio.api_key, self.vertex.express_api_key) if s]
        if self.vertex.credentials_file:
            out += credential_file_secrets(self.vertex.credentials_file)
        out += [key.reveal() for _, key in self.gateway.keys]
        return [s for s in dict.fromkeys(out) if s]

    def with_demo(self, platforms: set[str], aistudio: AiStudioSettings | None,
                  vertex: VertexSettings | None) -> Settings:
        return replace(
            self,
            aistudio=aistudio or self.aistudio,
            vertex=vertex or self.vertex,
            demo_platforms=frozenset(platforms),
        )


def _first(sources: list[tuple[str, Mapping[str, Any]]], *names: str) -> tuple[str | None, str | None]:
    for label, mapping in sources:
        for name in names:
            value = mapping.get(name)
            if isinstance(value, str) and value.strip():
                return value.strip(), f"{label} {name}"
    return None, None


CREDENTIALS_HINT = ("Set GOOGLE_APPLICATION_CREDENTIALS to the path of a service-account JSON "
                    "file (Google Cloud console: IAM → Service accounts → Keys → Add key → "
                    "JSON), or unset it to use gcloud's application-default credentials.")


def read_credentials_file(path: str) -> dict[str, Any]:
    """The JSON object of a credentials file; ConfigError saying what is wrong and what to do
    for anything else (a folder, a device, /proc/self/mem, a huge file, a JSON list, …)."""
    def fail(problem: str) -> ConfigError:
        return ConfigError(f"The credentials file {path} {problem}.", hint=CREDENTIALS_HINT)

    try:
        mode = os.stat(path).st_mode
        if stat.S_ISDIR(mode):
            raise fail("is a folder")
        if not stat.S_ISREG(mode):
            raise fail("is not a regular file")
        with open(path, "rb") as fh:
            raw = fh.read(MAX_CREDENTIALS_BYTES + 1)
    except OSError as exc:
        raise fail(f"cannot be read ({exc.strerror or exc})") from None
    if len(raw) > MAX_CREDENTIALS_BYTES:
        raise fail(f"is larger than {MAX_CREDENTIALS_BYTES // 1024} kB, so it is not a "
                   "credentials file")
    try:
        data = json.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise fail("is not UTF-8 text") from None
    except json.JSONDecodeError as exc:
        raise fail(f"is not valid JSON ({exc.msg} at line {exc.lineno} column {exc.colno})"
                   ) from None
    if not isinstance(data, dict):
        raise fail(f"holds a JSON {type(data).__name__.replace('dict', 'object')}, not a "
                   "credentials object")
    if not isinstance(data.get("type"), str):
        raise fail('has no "type" field (a service-account file says "type": '
                   '"service_account")')
    return data


def _project_from_file(path: str) -> str | None:
    try:
        data = read_credentials_file(path)
    except ConfigError:
        return None  # said when the credentials are loaded, by the platform that needs them
    project = data.get("project_id") or data.get("quota_project_id")
    return project if isinstance(project, str) else None


def load_settings(env: Mapping[str, str] | None = None,
                  secrets: Mapping[str, Any] | None = None) -> Settings:
    """Build Settings from the environment and (optionally) Streamlit secrets.

    Environment variables win over secrets, so a deployment can override a secrets file.
    """
    env = os.environ if env is None else env
    sources: list[tuple[str, Mapping[str, Any]]] = [("env", env)]
    if secrets:
        sources.append(("secrets", secrets))

    key, key_src = _first(sources, "GOOGLE_API_KEY", "GEMINI_API_KEY")
    gemini_base, _ = _first(sources, "GOOGLE_GEMINI_BASE_URL")
    tier_ai, _ = _first(sources, "PLAYGROUND_AISTUDIO_SERVICE_TIER_FIELD")
    tier_vx, _ = _first(sources, "PLAYGROUND_VERTEX_SERVICE_TIER_FIELD")
    aistudio = AiStudioSettings(
        api_key=Secret(key) if key else None, key_source=key_src,
        base_url=(gemini_base or AISTUDIO_DEFAULT_BASE).rstrip("/"),
        service_tier_field="serviceTier" if tier_ai is None else tier_ai.strip(),
    )

    creds_file, creds_src = _first(sources, "GOOGLE_APPLICATION_CREDENTIALS")
    if creds_file and not Path(creds_file).exists():
        raise ConfigError(
            f"GOOGLE_APPLICATION_CREDENTIALS points at {creds_file}, which does not exist.",
            hint=CREDENTIALS_HINT)
    if creds_file and Path(creds_file).is_dir():
        raise ConfigError(
            f"GOOGLE_APPLICATION_CREDENTIALS points at {creds_file}, which is a folder.",
            hint=CREDENTIALS_HINT)
    if not creds_file and gcloud_adc_path().is_file():
        creds_file, creds_src = str(gcloud_adc_path()), "gcloud ADC file"
    project, _ = _first(sources, "GOOGLE_CLOUD_PROJECT")
    if not project and creds_file:
        project = _project_from_file(creds_file)
    location, _ = _first(sources, "GOOGLE_CLOUD_LOCATION")
    express, express_src = _first(sources, "PLAYGROUND_VERTEX_API_KEY")
    vertex_base, _ = _first(sources, "GOOGLE_VERTEX_BASE_URL")
    metadata, _ = _first(sources, "PLAYGROUND_VERTEX_METADATA")
    vertex = VertexSettings(
        project=project, location=location or DEFAULT_LOCATION,
        credentials_file=creds_file, credentials_source=creds_src,
        express_api_key=Secret(express) if express else None, express_key_source=express_src,
        base_url=vertex_base.rstrip("/") if vertex_base else None,
        use_metadata_server=metadata in ("1", "true", "yes"),
        service_tier_field=(tier_vx or "").strip(),
    )

    tokens, _ = _first(sources, "PLAYGROUND_IMAGE_TOKENS")
    if tokens:
        apply_image_tokens(tokens)
    data_dir, _ = _first(sources, "PLAYGROUND_DATA_DIR")
    profile, _ = _first(sources, "PLAYGROUND_EMULATOR_PROFILE")
    return Settings(
        aistudio=aistudio, vertex=vertex,
        data_dir=Path(data_dir).expanduser() if data_dir else default_data_dir(),
        timeout_s=check_timeout(_float(sources, "PLAYGROUND_TIMEOUT_S", DEFAULT_TIMEOUT_S),
                                "PLAYGROUND_TIMEOUT_S"),
        retries=check_retries(_int(sources, "PLAYGROUND_RETRIES", DEFAULT_RETRIES),
                              "PLAYGROUND_RETRIES"),
        max_retry_wait_s=check_retry_wait(
            _float(sources, "PLAYGROUND_MAX_RETRY_WAIT_S", DEFAULT_MAX_RETRY_WAIT_S),
            "PLAYGROUND_MAX_RETRY_WAIT_S"),
        emulator_profile=profile,
        emulator_port=check_port(_int(sources, "PLAYGROUND_EMULATOR_PORT", 0),
                                 "PLAYGROUND_EMULATOR_PORT"),
        gateway=_gateway_settings(sources),
    )


def _gateway_settings(sources: list[tuple[str, Mapping[str, Any]]]) -> GatewaySettings:
    """PLAYGROUND_GATEWAY_*: numbers finite and in range; 0 turns a limit off."""
    keys, _ = _first(sources, "PLAYGROUND_GATEWAY_KEYS")
    target, _ = _first(sources, "PLAYGROUND_GATEWAY_IMAGEN_TARGET")
    names = ("PLAYGROUND_GATEWAY_RPM", "PLAYGROUND_GATEWAY_DAILY_BUDGET_USD",
             "PLAYGROUND_GATEWAY_URL_TTL_S")
    rpm = int(check_range(_int(sources, names[0], 60), names[0], 0, 100_000, "60",
                          "a whole number of calls per minute"))
    budget = check_range(_float(sources, names[1], 0.0), names[1], 0, 1e6, "20", "dollars")
    ttl = check_range(_float(sources, names[2], 3600.0), names[2], 1, 7 * 86400, "3600",
                      "a number of seconds")
    return GatewaySettings(keys=parse_gateway_keys(keys or ""), rpm=rpm or None,
                           daily_budget_usd=budget or None, url_ttl_s=ttl,
                           imagen_target=target or GatewaySettings.imagen_target)


def parse_gateway_keys(spec: str) -> tuple[tuple[str, Secret], ...]:
    return tuple((name, Secret(key)) for name, key in split_key_spec(spec))


def _float(sources: list[tuple[str, Mapping[str, Any]]], name: str, default: float) -> float:
    value, _ = _first(sources, name)
    if value is None:
        return default
    try:
        return float(value)
    except ValueError:
        raise ConfigError(f"{name}={value!r} is not a number.", hint=f"Set {name} to a number.") from None


def _int(sources: list[tuple[str, Mapping[str, Any]]], name: str, default: int) -> int:
    value, _ = _first(sources, name)
    if value is None:
        return default
    try:
        number = float(value)
        if not number.is_integer():
            raise ValueError(value)
    except ValueError:
        raise ConfigError(f"{name}={value!r} is not a whole number.",
                          hint=f"Set {name} to a whole number.") from None
    return int(number)


def missing_config_message(platform: str, settings: Settings) -> str | None:
    """What to set before `platform` can be used, or None when it is configured."""
    if platform == "aistudio" and not settings.aistudio.is_configured:
        return "AI Studio needs an API key: set GOOGLE_API_KEY (or GEMINI_API_KEY)."
    if platform == "vertex" and not settings.vertex.is_configured:
        if settings.vertex.credentials_file and not settings.vertex.project:
            return "Vertex AI needs a project: set GOOGLE_CLOUD_PROJECT."
        return ("Vertex AI needs credentials: set GOOGLE_APPLICATION_CREDENTIALS to a "
                "service-account file (and GOOGLE_CLOUD_PROJECT), run `gcloud auth "
                "application-default login`, or set PLAYGROUND_VERTEX_API_KEY for express mode.")
    return None


def apply_image_tokens(spec: str) -> None:
    """PLAYGROUND_IMAGE_TOKENS="gemini-nano-banana-2.1:2K=1680,4K=3780;…": replace UNCONFIRMED
    image-token counts of the catalog (they set estimates before a run and the emulator's usage)."""
    from playground.domain import catalog

    for entry in filter(None, (e.strip() for e in spec.split(";"))):
        model, _, pairs = entry.partition(":")
        try:
            counts = {size.strip(): int(n) for size, _, n in
                      (pair.partition("=") for pair in pairs.split(",") if pair.strip())}
            if not counts or any(n <= 0 for n in counts.values()):
                raise ValueError
            catalog.with_image_tokens(model.strip(), counts)
        except (ValueError, PlaygroundError):
            raise ConfigError(f"PLAYGROUND_IMAGE_TOKENS entry {entry!r} is not MODEL:SIZE=N,….",
                              hint="Write e.g. gemini-nano-banana-2.1:2K=1680,4K=3780 (a known "
                                   "model id, positive whole numbers).") from None


_CREDENTIAL_FIELDS = ("private_key", "private_key_id", "client_secret", "refresh_token",
                      "client_email")
_MIN_LINE = 16  # private-key body lines shorter than this are too generic to search for
_credential_cache: dict[tuple[str, float], list[str]] = {}


def credential_file_secrets(path: str) -> list[str]:
    """The secret values of a service-account or ADC file (cached by path and mtime)."""
    try:
        key = (path, os.stat(path).st_mtime)
    except OSError:
        return []
    if key not in _credential_cache:
        _credential_cache[key] = _read_credential_secrets(path)
    return _credential_cache[key]


def _read_credential_secrets(path: str) -> list[str]:
    try:
        with open(path, encoding="utf-8") as fh:
            info = json.loads(fh.read(1_000_000))
    except (OSError, ValueError):
        return []
    if not isinstance(info, dict):
        return []
    out: list[str] = []
    for name in _CREDENTIAL_FIELDS:
        value = info.get(name)
        if isinstance(value, str) and value:
            out.append(value)
            out += [line.strip() for line in value.splitlines()
                    if len(line.strip()) >= _MIN_LINE and "PRIVATE KEY" not in line]
    return out
