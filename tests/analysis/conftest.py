"""Shared test images for the analysis tests (built in memory, never committed)."""

from __future__ import annotations

import numpy as np
import pytest

from playground.analysis.scenes import photo_like_scene
from tests.analysis.builders import encode_array


@pytest.fixture(scope="session")
def scene() -> np.ndarray:
    return photo_like_scene(320, 240, noise=3.0, seed=1)


@pytest.fixture(scope="session")
def scene_png(scene: np.ndarray) -> bytes:
    return encode_array(scene, "PNG")


@pytest.fixture(scope="session")
def scene_jpeg(scene: np.ndarray) -> bytes:
    return encode_array(scene, "JPEG", quality=90)
