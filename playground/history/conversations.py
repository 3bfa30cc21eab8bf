"""Conversations in the history: the images a request sent, the parts its answer returned, and
the thread a continuation belongs to (docs/wire-notes.md "Conversations").

Mixed into HistoryStore. Every image a request sent is a row of `inputs` (role `reference` for
the user's images, `turn` for the earlier turns' images it replayed), its bytes a
content-addressed file like an output's. The answer's parts are rows of `answer_parts`, in
order, each signature a file named by its SHA-256 (a Gemini 3 signature is 0.6–1.5 M
characters: kept out of the database, read only to continue). `conversation(id)` rebuilds the
turns to replay from the parent chain, byte for byte.
"""

from __future__ import annotations

import builtins
import hashlib
from collections.abc import Iterator
from contextlib import AbstractContextManager
from typing import Any

from playground.domain.errors import ImageMissingError
from playground.domain.turns import InputImage, Turn, TurnPart
from playground.domain.types import GenerationResult, ImageRequest
from playground.history.engine import Connection, Row
from playground.history.files import SIGNATURE_MIME, ImageFiles

#: How far back a thread is followed (a cycle in a tampered history must not loop forever).
MAX_TURNS = 200


#: A signature's file bytes and their SHA-256, per answer part (None: the part has none).
Signed = list[tuple[bytes, str] | None]


def signature_file(signature: str) -> tuple[bytes, str]:
    """A signature's file bytes and their SHA-256 (a Pro signature is ~1.45 M characters)."""
    data = signature.encode("ascii", "replace")
    return data, hashlib.sha256(data).hexdigest()


def signature_files(answer: list[TurnPart]) -> Signed:
    """Each part's signature file, computed once per save: the row needs the hash, the file the
    bytes, and the hash is taken before the write transaction so no writer waits on it."""
    return [signature_file(p.signature) if p.signature else None for p in answer]


def sent_images(request: ImageRequest) -> list[tuple[str, InputImage]]:
    """(role, image) for every image the request sends: the replayed turns', then this turn's."""
    out = [("turn", p.image) for t in request.history for p in t.parts
           if p.image is not None and not p.is_thought]
    return out + [("reference", i) for i in request.inputs]


def write_input_rows(conn: Connection, gen_id: int, request: ImageRequest) -> None:
    conn.execute("DELETE FROM inputs WHERE generation_id=?", (gen_id,))
    counters = {"turn": 0, "reference": 0}
    for role, img in sent_images(request):
        conn.execute(
            "INSERT INTO inputs (generation_id, position, role, sha256, mime, size_bytes, width, "
            "height, name, source, source_ref, note) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
            (gen_id, counters[role], role, img.sha256, img.mime, img.size_bytes, img.width,
             img.height, img.name, img.source, img.source_ref, img.note))
        counters[role] += 1


def write_answer_rows(conn: Connection, gen_id: int, answer: list[TurnPart],
                      signed: Signed) -> None:
    conn.execute("DELETE FROM answer_parts WHERE generation_id=?", (gen_id,))
    conn.executemany(
        "INSERT INTO answer_parts (generation_id, position, text, image_index, is_thought, "
        "signature_sha256, signature_chars) VALUES (?,?,?,?,?,?,?)",
        [(gen_id, n, p.text, p.image_index, int(p.is_thought), sig[1] if sig else None,
          len(p.signature) if p.signature else None)
         for n, (p, sig) in enumerate(zip(answer, signed, strict=True))])


def files_to_write(request: ImageRequest, signed: Signed) -> Iterator[tuple[bytes, str, str]]:
    """(bytes, sha256, mime) of the inputs in hand and the answer's signatures."""
    for _, img in sent_images(request):
        if img.data is not None:
            yield img.data, img.sha256, img.mime
    for sig in signed:
        if sig is not None:
            yield *sig, SIGNATURE_MIME


def used_files(conn: Connection, gen_ids: list[int]) -> set[tuple[str, str]]:
    """(sha256, mime) of every file the generations use: outputs, inputs, signatures."""
    marks = ",".join("?" for _ in gen_ids)
    rows = conn.execute(
        f"SELECT sha256, sniffed_mime FROM images WHERE generation_id IN ({marks}) UNION "
        f"SELECT sha256, mime FROM inputs WHERE generation_id IN ({marks}) UNION "
        f"SELECT signature_sha256, '{SIGNATURE_MIME}' FROM answer_parts WHERE generation_id IN "
        f"({marks}) AND signature_sha256 IS NOT NULL", gen_ids * 3).fetchall()
    return {(str(r[0]), str(r[1])) for r in rows}


def still_used(conn: Connection, sha: str) -> bool:
    """Whether any remaining row uses the file with this hash (as output, input or signature)."""
    return conn.execute(
        "SELECT 1 FROM images WHERE sha256=:s UNION ALL SELECT 1 FROM inputs WHERE sha256=:s "
        "UNION ALL SELECT 1 FROM answer_parts WHERE signature_sha256=:s LIMIT 1",
        {"s": sha}).fetchone() is not None


class Conversations:
    files: ImageFiles

    def _conn(self) -> Connection:
        raise NotImplementedError

    def get(self, gen_id: int) -> GenerationResult | None:
        raise NotImplementedError

    def transaction(self, *, lock: str | None = None) -> AbstractContextManager[Connection]:
        raise NotImplementedError

    def _write_sent_files(self, request: ImageRequest, signed: Signed) -> None:
        for data, sha, mime in files_to_write(request, signed):
            self.files.put(data, sha, mime)

    def inputs_of(self, gen_id: int, role: str = "reference") -> builtins.list[InputImage]:
        """The images a generation sent (facts; `input_bytes` reads one)."""
        rows = self._conn().execute(
            "SELECT * FROM inputs WHERE generation_id=? AND role=? ORDER BY position",
            (gen_id, role)).fetchall()
        return [_input(r) for r in rows]

    def input_bytes(self, img: InputImage) -> bytes:
        return self.files.read(img.sha256, img.mime)

    def answer_of(self, gen_id: int) -> builtins.list[TurnPart]:
        """The answer's parts as returned (signature sizes only: `signature` stays None)."""
        rows = self._conn().execute("SELECT * FROM answer_parts WHERE generation_id=? "
                                    "ORDER BY position", (gen_id,)).fetchall()
        return [TurnPart(text=r["text"], image_index=r["image_index"],
                         is_thought=bool(r["is_thought"])) for r in rows]

    def thread(self, gen_id: int) -> builtins.list[GenerationResult]:
        """The generations of the thread ending at `gen_id`, first turn first."""
        chain: list[GenerationResult] = []
        seen: set[int] = set()
        current = self.get(gen_id)
        while current is not None and current.id not in seen and len(chain) < MAX_TURNS:
            seen.add(current.id or 0)
            chain.append(current)
            current = self.get(current.parent_id) if current.parent_id else None
        return chain[::-1]

    def continuations(self, gen_id: int) -> builtins.list[int]:
        """Ids of the generations that continue `gen_id` (its branches), oldest first."""
        rows = self._conn().execute("SELECT id FROM generations WHERE parent_id=? ORDER BY id",
                                    (gen_id,)).fetchall()
        return [int(r[0]) for r in rows]

    def branch(self, gen_id: int) -> builtins.list[int]:
        """`gen_id` and every generation that continues it, at any depth."""
        out: list[int] = []
        todo = [gen_id]
        while todo and len(out) < 10_000:
            current = todo.pop()
            if current not in out:
                out.append(current)
                todo += self.continuations(current)
        return out

    def conversation(self, gen_id: int) -> tuple[Turn, ...]:
        """The turns a continuation of `gen_id` replays: each earlier prompt with its images, and
        each answer's parts with their signatures, bytes in hand. ImageMissingError when a file
        it needs is gone (the message says which)."""
        turns: list[Turn] = []
        for result in self.thread(gen_id):
            if result.status != "ok" or result.id is None:
                raise ImageMissingError(
                    f"Generation #{result.id} in this thread has no answer to replay "
                    f"({result.status}).", hint="Continue from a turn that returned an image.")
            inputs = tuple(i.with_data(self.input_bytes(i)) for i in self.inputs_of(result.id))
            parts = (TurnPart(text=result.request.prompt),
                     *(TurnPart(image=i) for i in inputs))
            turns.append(Turn("user", parts, result.id))
            turns.append(Turn("model", self._model_parts(result), result.id))
        return tuple(turns)

    def _model_parts(self, result: GenerationResult) -> tuple[TurnPart, ...]:
        assert result.id is not None
        rows = self._conn().execute("SELECT * FROM answer_parts WHERE generation_id=? "
                                    "ORDER BY position", (result.id,)).fetchall()
        if not rows:  # recorded before answers were kept: its final image, unsigned
            rows = [{"text": None, "image_index": result.images.index(result.image),
                     "is_thought": 0, "signature_sha256": None}] if result.image else []
        return tuple(self._model_part(result, r) for r in rows)

    def _model_part(self, result: GenerationResult, row: Any) -> TurnPart:
        signature = None
        if row["signature_sha256"]:
            signature = self.files.read(row["signature_sha256"], SIGNATURE_MIME).decode("ascii")
        image = None
        if row["image_index"] is not None and not row["is_thought"]:
            facts = result.images[row["image_index"]]
            image = InputImage(sha256=facts.sha256, mime=facts.sniffed_mime,
                               size_bytes=facts.size_bytes, width=facts.width,
                               height=facts.height, source="result",
                               data=self.files.read(facts.sha256, facts.sniffed_mime))
        return TurnPart(text=row["text"], image=image, image_index=row["image_index"],
                        is_thought=bool(row["is_thought"]), signature=signature)


def _input(r: Row) -> InputImage:
    return InputImage(sha256=r["sha256"], mime=r["mime"], size_bytes=r["size_bytes"],
                      width=r["width"], height=r["height"], name=r["name"], source=r["source"],
                      source_ref=r["source_ref"], note=r["note"])
