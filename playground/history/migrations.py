"""Versioned schema migrations, applied in order, on SQLite and on PostgreSQL.

Add a migration by appending to MIGRATIONS; never edit one that has shipped. Write it in plain
SQL in SQLite's spelling: history/postgres.py translates the few words PostgreSQL spells
otherwise (types, placeholders, PRAGMAs). SQLite records the version in PRAGMA user_version,
PostgreSQL in the table schema_version.
"""

from __future__ import annotations

import sqlite3
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from playground.history.postgres import PgConnection

V1_HISTORY = """
CREATE TABLE generations (
    id INTEGER PRIMARY KEY,
    created_at REAL NOT NULL,
    group_id TEXT,
    backend TEXT NOT NULL,
    model TEXT NOT NULL,
    prompt TEXT NOT NULL,
    request_json TEXT NOT NULL,
    wire_json TEXT,
    request_url TEXT,
    status TEXT NOT NULL,
    http_status INTEGER,
    ttfb_s REAL,
    total_s REAL,
    request_bytes INTEGER,
    response_bytes INTEGER,
    attempts_json TEXT,
    finish_reason TEXT,
    finish_message TEXT,
    block_reason TEXT,
    usage_json TEXT,
    cost_usd REAL,
    model_version TEXT,
    response_id TEXT,
    notes_json TEXT,
    texts_json TEXT,
    thought_texts_json TEXT,
    thought_signatures INTEGER,
    error_json TEXT,
    explanation TEXT
);
CREATE INDEX generations_created ON generations(created_at DESC);
CREATE INDEX generations_group ON generations(group_id);
CREATE TABLE images (
    id INTEGER PRIMARY KEY,
    generation_id INTEGER NOT NULL REFERENCES generations(id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    sha256 TEXT NOT NULL,
    rel_path TEXT NOT NULL,
    size_bytes INTEGER NOT NULL,
    declared_mime TEXT,
    sniffed_mime TEXT,
    width INTEGER,
    height INTEGER,
    is_draft INTEGER NOT NULL DEFAULT 0,
    segments_json TEXT,
    requested_width INTEGER,
    requested_height INTEGER
);
CREATE INDEX images_generation ON images(generation_id);
CREATE INDEX images_sha ON images(sha256);
"""

V2_REVIEWS = """
CREATE TABLE reviews (
    id INTEGER PRIMARY KEY,
    image_id INTEGER NOT NULL REFERENCES images(id) ON DELETE CASCADE,
    reviewer TEXT NOT NULL DEFAULT '',
    rating INTEGER CHECK (rating BETWEEN 1 AND 5),
    tags_json TEXT,
    comment TEXT,
    created_at REAL NOT NULL,
    updated_at REAL NOT NULL,
    UNIQUE (image_id, reviewer)
);
CREATE INDEX reviews_image ON reviews(image_id)
"""

V3_BENCH = """
CREATE TABLE bench_runs (
    id TEXT PRIMARY KEY,
    created_at REAL NOT NULL,
    updated_at REAL NOT NULL,
    name TEXT NOT NULL DEFAULT '',
    preset TEXT,
    status TEXT NOT NULL,
    spec_json TEXT NOT NULL,
    order_json TEXT NOT NULL,
    skipped_json TEXT,
    notes_json TEXT,
    planned INTEGER NOT NULL,
    estimate_usd REAL,
    environment_json TEXT
);
CREATE INDEX bench_runs_created ON bench_runs(created_at DESC);
CREATE TABLE bench_tasks (
    run_id TEXT NOT NULL REFERENCES bench_runs(id) ON DELETE CASCADE,
    task_index INTEGER NOT NULL,
    cell_id TEXT NOT NULL,
    prompt_index INTEGER NOT NULL,
    repeat INTEGER NOT NULL,
    backend TEXT NOT NULL,
    generation_id INTEGER REFERENCES generations(id) ON DELETE SET NULL,
    finished_at REAL NOT NULL,
    status TEXT NOT NULL,
    failure_class TEXT,
    attempts_json TEXT NOT NULL,
    ttfb_s REAL,
    total_s REAL,
    size_bytes INTEGER,
    sniffed_mime TEXT,
    cost_usd REAL,
    PRIMARY KEY (run_id, task_index)
);
CREATE INDEX bench_tasks_generation ON bench_tasks(generation_id)
"""

V4_BLOCK_MESSAGE = """
ALTER TABLE generations ADD COLUMN block_message TEXT
"""

#: Write-ahead rows (HistoryStore.begin): who sent a pending request, so that a later open can
#: tell a live process's row from one left by a killed process (history/owner.py); and whether
#: each image's file was written (save writes rows first, then files).
V5_WRITE_AHEAD = """
ALTER TABLE generations ADD COLUMN owner_pid INTEGER;
ALTER TABLE generations ADD COLUMN owner_host TEXT;
ALTER TABLE generations ADD COLUMN owner_started TEXT;
ALTER TABLE images ADD COLUMN file_status TEXT NOT NULL DEFAULT 'ok';
CREATE INDEX generations_pending ON generations(status) WHERE status = 'pending'
"""

#: Conversations and input images: a continuation names its parent and its turn;
#: `inputs` links every image a request sent — the user's references and the replayed turns'
#: images — to the generation (the bytes are content-addressed files like outputs); the
#: answer's parts, in order, name their signature by SHA-256 (the text is a file too).
V6_CONVERSATIONS = """
ALTER TABLE generations ADD COLUMN parent_id INTEGER REFERENCES generations(id) ON DELETE SET NULL;
ALTER TABLE generations ADD COLUMN turn_index INTEGER NOT NULL DEFAULT 0;
ALTER TABLE generations ADD COLUMN variant INTEGER;
CREATE INDEX generations_parent ON generations(parent_id) WHERE parent_id IS NOT NULL;
CREATE TABLE inputs (
    generation_id INTEGER NOT NULL REFERENCES generations(id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    role TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    mime TEXT NOT NULL,
    size_bytes INTEGER NOT NULL,
    width INTEGER,
    height INTEGER,
    name TEXT NOT NULL DEFAULT '',
    source TEXT NOT NULL DEFAULT 'upload',
    source_ref TEXT,
    note TEXT,
    PRIMARY KEY (generation_id, role, position)
);
CREATE INDEX inputs_sha ON inputs(sha256);
CREATE TABLE answer_parts (
    generation_id INTEGER NOT NULL REFERENCES generations(id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    text TEXT,
    image_index INTEGER,
    is_thought INTEGER NOT NULL DEFAULT 0,
    signature_sha256 TEXT,
    signature_chars INTEGER,
    PRIMARY KEY (generation_id, position)
);
CREATE INDEX answer_parts_signature ON answer_parts(signature_sha256)
    WHERE signature_sha256 IS NOT NULL
"""

#: Team mode (history/team.py): who did what, what each request cost (the ledger budgets are
#: checked against) and the audit log. Migration 8: 7 is "studies" (blind review).
V8_TEAM = """
ALTER TABLE generations ADD COLUMN user_email TEXT;
CREATE INDEX generations_user ON generations(user_email, created_at);
ALTER TABLE bench_runs ADD COLUMN user_email TEXT;
CREATE TABLE spend (
    id INTEGER PRIMARY KEY,
    created_at REAL NOT NULL,
    day TEXT NOT NULL,
    user_email TEXT NOT NULL,
    backend TEXT NOT NULL,
    model TEXT NOT NULL,
    generation_id INTEGER,
    estimate_usd REAL NOT NULL,
    cost_usd REAL
);
CREATE INDEX spend_day_user ON spend(day, user_email);
CREATE INDEX spend_user_created ON spend(user_email, created_at);
CREATE TABLE audit (
    id INTEGER PRIMARY KEY,
    created_at REAL NOT NULL,
    user_email TEXT NOT NULL,
    action TEXT NOT NULL,
    detail TEXT NOT NULL DEFAULT ''
);
CREATE INDEX audit_created ON audit(created_at DESC)
"""

#: Blind review (docs/decisions.md "Blind review"): a study, its arms (the settings compared),
#: its pairs (two stored images of one prompt from two arms) and the votes. A vote keeps which
#: image of the pair was shown on the left, so position bias can be measured; reviewer and
#: owner are plain text (a remembered name today, a signed-in user in team mode). One vote per
#: reviewer per pair, plus at most one hidden repeat. Plain SQL that PostgreSQL also takes.
V7_STUDIES = """
CREATE TABLE studies (
    id TEXT PRIMARY KEY,
    created_at REAL NOT NULL,
    name TEXT NOT NULL,
    question TEXT NOT NULL,
    votes_per_pair INTEGER NOT NULL,
    min_votes INTEGER NOT NULL,
    repeat_share REAL NOT NULL,
    owner TEXT,
    status TEXT NOT NULL,
    closed_at REAL,
    source TEXT NOT NULL,
    source_ref TEXT,
    preset TEXT,
    environment_json TEXT
);
CREATE INDEX studies_created ON studies(created_at);
CREATE TABLE study_arms (
    study_id TEXT NOT NULL REFERENCES studies(id) ON DELETE CASCADE,
    arm_index INTEGER NOT NULL,
    label TEXT NOT NULL,
    spec_json TEXT NOT NULL,
    PRIMARY KEY (study_id, arm_index)
);
CREATE TABLE study_pairs (
    study_id TEXT NOT NULL REFERENCES studies(id) ON DELETE CASCADE,
    pair_index INTEGER NOT NULL,
    prompt TEXT NOT NULL,
    arm_a INTEGER NOT NULL,
    arm_b INTEGER NOT NULL,
    image_a INTEGER REFERENCES images(id) ON DELETE SET NULL,
    image_b INTEGER REFERENCES images(id) ON DELETE SET NULL,
    ref_a TEXT NOT NULL,
    ref_b TEXT NOT NULL,
    PRIMARY KEY (study_id, pair_index)
);
CREATE TABLE study_votes (
    study_id TEXT NOT NULL,
    pair_index INTEGER NOT NULL,
    reviewer TEXT NOT NULL,
    is_repeat INTEGER NOT NULL DEFAULT 0,
    left_side TEXT NOT NULL CHECK (left_side IN ('a', 'b')),
    choice TEXT NOT NULL CHECK (choice IN ('left', 'right', 'tie', 'both_bad')),
    comment TEXT,
    tags_json TEXT,
    created_at REAL NOT NULL,
    PRIMARY KEY (study_id, pair_index, reviewer, is_repeat),
    FOREIGN KEY (study_id, pair_index) REFERENCES study_pairs(study_id, pair_index)
        ON DELETE CASCADE
);
CREATE INDEX study_votes_reviewer ON study_votes(study_id, reviewer)
"""

MIGRATIONS: list[tuple[str, str]] = [
    ("history", V1_HISTORY),
    ("reviews", V2_REVIEWS),
    ("bench", V3_BENCH),
    ("block message", V4_BLOCK_MESSAGE),
    ("write-ahead rows", V5_WRITE_AHEAD),
    ("conversations", V6_CONVERSATIONS),
    ("studies", V7_STUDIES),
]
MIGRATIONS.append(("team", V8_TEAM))  # after "studies" (7) once it lands

#: Budget counters (history/team.py): what each scope ('team', or 'user:' and an email) has
#: spent and sent per UTC day, so a budget check moves one row per scope instead of summing
#: the `spend` ledger under one lock. Filled from the ledger for the days already in it.
V9_BUDGET_COUNTERS = """
CREATE TABLE budget_counters (
    scope TEXT NOT NULL,
    day TEXT NOT NULL,
    spent_usd REAL NOT NULL DEFAULT 0,
    requests INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (scope, day)
);
INSERT INTO budget_counters (scope, day, spent_usd, requests)
    SELECT 'team', day, SUM(COALESCE(cost_usd, estimate_usd)), COUNT(*) FROM spend GROUP BY day;
INSERT INTO budget_counters (scope, day, spent_usd, requests)
    SELECT 'user:' || user_email, day, SUM(COALESCE(cost_usd, estimate_usd)), COUNT(*)
    FROM spend GROUP BY user_email, day
"""
MIGRATIONS.append(("budget counters", V9_BUDGET_COUNTERS))

#: The History page's order (created_at DESC, id DESC) as one index, so a page is found by
#: walking the index alone (HistoryStore.list reads the page's ids first, then their rows);
#: the old index on created_at alone made PostgreSQL sort ties and visit every skipped row.
V10_HISTORY_ORDER = """
CREATE INDEX generations_created_id ON generations(created_at DESC, id DESC);
DROP INDEX generations_created
"""
MIGRATIONS.append(("history order", V10_HISTORY_ORDER))

#: The process running a benchmark (bench/store.py `RunRecord.activity`), so replicas never
#: run one twice.
MIGRATIONS.append(("bench owner", """
ALTER TABLE bench_runs ADD COLUMN owner_pid INTEGER;
ALTER TABLE bench_runs ADD COLUMN owner_host TEXT;
ALTER TABLE bench_runs ADD COLUMN owner_started TEXT
"""))


def statements(script: str) -> list[str]:
    return [s for s in script.split(";") if s.strip()]


def migrate_sqlite(conn: sqlite3.Connection) -> int:
    """Bring the schema up to date; returns the resulting version.

    Each step runs in BEGIN IMMEDIATE and re-reads the version inside the lock, so two
    processes opening the same history at once cannot apply a migration twice.
    The connection must be in autocommit mode (isolation_level=None).
    """
    for number, (_name, script) in enumerate(MIGRATIONS, start=1):
        conn.execute("BEGIN IMMEDIATE")
        try:
            (current,) = conn.execute("PRAGMA user_version").fetchone()
            if current < number:
                for statement in statements(script):
                    conn.execute(statement)
                conn.execute(f"PRAGMA user_version = {number}")
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
    (version,) = conn.execute("PRAGMA user_version").fetchone()
    return int(version)


migrate = migrate_sqlite


def postgres_only() -> dict[str, str]:
    """Steps only PostgreSQL runs, after the plain SQL of the migration of that name; each is
    sent whole (a function body holds semicolons)."""
    from playground.history.postgres_budget import RESERVE_FUNCTION

    return {"budget counters": RESERVE_FUNCTION}


def migrate_postgres(conn: PgConnection) -> int:
    """The same steps on PostgreSQL: each in one transaction (DDL is transactional there) under
    an advisory lock, so replicas starting together apply each migration once."""
    for number, (name, script) in enumerate(MIGRATIONS, start=1):
        conn.raw.execute("BEGIN")
        try:
            conn.raw.execute("SELECT pg_advisory_xact_lock(hashtextextended('migrations', 0))")
            conn.raw.execute("CREATE TABLE IF NOT EXISTS schema_version (version BIGINT NOT NULL)")
            row = conn.raw.execute("SELECT max(version) FROM schema_version").fetchone()
            current = int(row[0]) if row and row[0] is not None else 0
            if current < number:
                for statement in statements(script):
                    conn.execute(statement)
                if name in postgres_only():
                    conn.raw.execute(postgres_only()[name])
                conn.raw.execute("DELETE FROM schema_version")
                conn.raw.execute("INSERT INTO schema_version (version) VALUES (%s)", (number,))
            conn.raw.execute("COMMIT")
        except BaseException:
            conn.raw.execute("ROLLBACK")
            raise
    row = conn.raw.execute("SELECT max(version) FROM schema_version").fetchone()
    return int(row[0]) if row and row[0] is not None else 0
