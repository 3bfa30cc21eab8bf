"""`generate --image PATH` (repeatable, `-` for standard input): the images sent with a prompt.

Each file is read once, at most 64 MB, and described from its bytes (format sniffed, pixels
decoded); a file that is not an image, or is damaged, is refused in one sentence before any
request. With `--fit-images` an image the models cannot take (over 7 MB, or a GIF/AVIF) is
re-encoded or downscaled and the result says how; without it, the check names the problem.
"""

from __future__ import annotations

import sys
from pathlib import Path

from playground.domain.errors import ConfigError, ImageDataError
from playground.domain.input_fit import fit_input
from playground.domain.turns import InputImage, describe_input

MAX_FILE_BYTES = 64 * 1024 * 1024  # far above the 7 MB inline limit; guards memory, not policy


def read_images(paths: list[str], *, fit: bool) -> tuple[InputImage, ...]:
    images: list[InputImage] = []
    used_stdin = False
    for given in paths:
        if given == "-":
            if used_stdin:
                raise ConfigError("--image - (standard input) can be given once.")
            used_stdin = True
            data, name, source = _read_stdin(), "stdin", "stdin"
        else:
            data, name, source = _read_file(Path(given)), Path(given).name, "upload"
        try:
            image = describe_input(data, name=name, source=source)  # type: ignore[arg-type]
            images.append(fit_input(image) if fit else image)
        except ImageDataError as exc:
            raise ConfigError(f"--image {given}: {exc.message}", hint=exc.hint) from None
    return tuple(images)


def _read_stdin() -> bytes:
    data = sys.stdin.buffer.read(MAX_FILE_BYTES + 1)
    if len(data) > MAX_FILE_BYTES:
        raise ConfigError(f"--image - : standard input holds more than {MAX_FILE_BYTES:,} "
                          "bytes, far over the 7 MB an inline image may be.")
    return data


def _read_file(path: Path) -> bytes:
    try:
        if not path.is_file():
            what = "does not exist" if not path.exists() else "is not a regular file"
            raise ConfigError(f"--image {path} {what}.", hint="Give the path of an image file.")
        if path.stat().st_size > MAX_FILE_BYTES:
            raise ConfigError(f"--image {path} is {path.stat().st_size:,} bytes, far over the 7 MB "
                              "an inline image may be.", hint="Export a smaller version.")
        return path.read_bytes()
    except OSError as exc:
        raise ConfigError(f"--image {path} cannot be read: {exc.strerror or exc}.") from None
