"""Model names that say where they go: aliases, `aistudio/<id>`, `vertex/<id>` and `auto`.

The alias table is derived from the catalog (domain/catalog.py), so a model added there gets
its names here: the nickname in kebab case ("Nano Banana Pro" → `nano-banana-pro`), `-preview`
for a preview id, and `-vertex` for the same model on Vertex AI. A bare Google id is refused
with the two names that would work: the gateway never guesses a platform.

`auto[:speed|cost|quality][:<alias or id>]` lets the routing (routing.py) pick the platform;
the model defaults to Nano Banana Pro and the priority to speed.
"""

from __future__ import annotations

from dataclasses import dataclass

from playground.domain.catalog import MODELS, PLATFORMS, ModelInfo, gemini_models
from playground.gateway.errors import GatewayError

PRIORITIES = ("speed", "cost", "quality")
DEFAULT_AUTO_MODEL = "gemini-3-pro-image"
VERTEX_SUFFIX = "-vertex"


@dataclass(frozen=True)
class Target:
    """What a requested model name means: a Google id on a platform (None = `auto`)."""

    name: str  # as the client sent it
    model: str  # Google's id
    platform: str | None
    priority: str | None = None  # for auto

    @property
    def info(self) -> ModelInfo | None:
        return MODELS.get(self.model)


def _slug(info: ModelInfo) -> str:
    base = info.nickname.lower().replace(" ", "-")
    return base + ("-preview" if info.status == "preview" else "")


def _aliases() -> dict[str, tuple[str, str]]:
    table: dict[str, tuple[str, str]] = {}
    for info in gemini_models(include_retired=False):
        slug = _slug(info)
        if slug in table:  # two catalog models with one nickname: the first (newest) wins
            continue
        table[slug] = ("aistudio", info.id)
        table[slug + VERTEX_SUFFIX] = ("vertex", info.id)
    return table


#: alias → (platform, Google id)
ALIASES: dict[str, tuple[str, str]] = _aliases()
#: Google id → the platform-free alias (for `auto:…:<alias>` and /v1/models)
ALIAS_OF: dict[str, str] = {model: name for name, (platform, model) in ALIASES.items()
                            if platform == "aistudio"}


def resolve(name: object) -> Target:
    """The Target a model name stands for; GatewayError 404 (param "model") when none."""
    if not isinstance(name, str) or not name.strip():
        raise GatewayError(400, "model is required: e.g. nano-banana-pro (AI Studio), "
                                "nano-banana-pro-vertex (Vertex AI) or auto.",
                           param="model", code="missing_model")
    name = name.strip()
    if name in ALIASES:
        platform, model = ALIASES[name]
        return Target(name, model, platform)
    prefix, sep, rest = name.partition("/")
    if sep and prefix in PLATFORMS and rest:
        return Target(name, rest, prefix)
    if name == "auto" or name.startswith("auto:"):
        return _auto(name)
    raise _unknown(name)


def _auto(name: str) -> Target:
    parts = name.split(":", 2)
    priority = parts[1] if len(parts) > 1 and parts[1] else "speed"
    if priority not in PRIORITIES:
        raise GatewayError(404, f"Unknown routing priority {priority!r} in model {name!r}: use "
                                "auto, auto:speed, auto:cost or auto:quality (optionally "
                                "followed by :<model>, e.g. auto:cost:nano-banana-2.1).",
                           param="model", code="model_not_found")
    model = DEFAULT_AUTO_MODEL
    if len(parts) == 3 and parts[2]:
        wanted = parts[2]
        if wanted in ALIASES and not wanted.endswith(VERTEX_SUFFIX):
            model = ALIASES[wanted][1]
        elif wanted in MODELS:
            model = wanted
        else:
            raise GatewayError(404, f"auto cannot route {wanted!r}: name a platform-free alias "
                                    f"({', '.join(ALIAS_OF.values())}) or a Google model id.",
                               param="model", code="model_not_found")
    return Target(name, model, None, priority)


def _unknown(name: str) -> GatewayError:
    if name in MODELS:
        hint = (f"{name!r} is a Google id: say where it should go, aistudio/{name} or "
                f"vertex/{name}" + (f" (or the aliases {ALIAS_OF[name]} and "
                                    f"{ALIAS_OF[name]}{VERTEX_SUFFIX})" if name in ALIAS_OF
                                    else "") + ".")
    else:
        hint = ("Use one of " + ", ".join(ALIASES) + ", aistudio/<google id>, "
                "vertex/<google id>, auto, auto:speed, auto:cost or auto:quality "
                "(GET /v1/models lists them).")
    return GatewayError(404, f"The model {name!r} does not exist on this gateway. {hint}",
                        param="model", code="model_not_found")


def listing(created: int) -> list[dict[str, object]]:
    """GET /v1/models: every alias, prefixed id and auto name, with where each goes."""
    rows: list[dict[str, object]] = []
    for alias, (platform, model) in ALIASES.items():
        rows.append(_row(alias, created, platform, model))
    for info in gemini_models(include_retired=False):
        for platform in PLATFORMS:
            rows.append(_row(f"{platform}/{info.id}", created, platform, info.id))
    for priority in ("", *(f":{p}" for p in PRIORITIES)):
        rows.append(_row(f"auto{priority}", created, None, DEFAULT_AUTO_MODEL))
    return rows


def _row(name: str, created: int, platform: str | None, model: str) -> dict[str, object]:
    info = MODELS[model]
    return {"id": name, "object": "model", "created": created,
            "owned_by": f"google-{platform}" if platform else "banana-split-auto",
            "banana": {"platform": platform or "auto", "google_model": model,
                       "nickname": info.nickname, "status": info.status,
                       "state": info.state_on(platform) if platform else None,
                       "sizes": list(info.sizes), "ratios": list(info.ratios)}}
