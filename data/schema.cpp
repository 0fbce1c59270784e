#include "data/schema.hpp"

#include "data/case_facts.hpp"
#include "data/legacy_events.hpp"
#include "data/records.hpp"

namespace gridkeeper::data {

namespace {

// Step 1: the organisation, categories, cases and their events.
//
// Value checks are chains of OR, not IN lists: SQLite evaluates a constant IN list of three
// or more through a temporary b-tree, built anew for every row written.
constexpr std::string_view kOrganisationAndCases = R"sql(
CREATE TABLE jurisdictions (
  code   TEXT PRIMARY KEY,
  name   TEXT NOT NULL,
  level  TEXT NOT NULL CHECK (level = 'district' OR level = 'street' OR level = 'community' OR level = 'grid'),
  parent TEXT REFERENCES jurisdictions(code) DEFERRABLE INITIALLY DEFERRED,
  emergency INTEGER NOT NULL DEFAULT 0 CHECK (emergency IN (0, 1))
);
CREATE INDEX jurisdictions_parent ON jurisdictions(parent);

CREATE TABLE workers (
  id        TEXT PRIMARY KEY,
  name      TEXT NOT NULL,
  phone     TEXT NOT NULL DEFAULT '',
  community TEXT REFERENCES jurisdictions(code) DEFERRABLE INITIALLY DEFERRED,
  status    TEXT NOT NULL DEFAULT 'on_duty' CHECK (status = 'on_duty' OR status = 'off_duty' OR status = 'leave')
);
CREATE INDEX workers_community ON workers(community);

-- geometry: an RFC 7946 Polygon or MultiPolygon object; the grid index is rebuilt from it.
CREATE TABLE grids (
  code       TEXT PRIMARY KEY,
  name       TEXT NOT NULL,
  community  TEXT NOT NULL REFERENCES jurisdictions(code) DEFERRABLE INITIALLY DEFERRED,
  population INTEGER NOT NULL DEFAULT 0,
  owner      TEXT REFERENCES workers(id) DEFERRABLE INITIALLY DEFERRED,
  backup     TEXT REFERENCES workers(id) DEFERRABLE INITIALLY DEFERRED,
  geometry   TEXT NOT NULL
);
CREATE INDEX grids_community ON grids(community);

-- Who held a grid's A post (backup = 0) or B post (backup = 1), and when.
CREATE TABLE post_terms (
  id      INTEGER PRIMARY KEY,
  grid    TEXT NOT NULL REFERENCES grids(code) DEFERRABLE INITIALLY DEFERRED,
  worker  TEXT NOT NULL REFERENCES workers(id) DEFERRABLE INITIALLY DEFERRED,
  backup  INTEGER NOT NULL CHECK (backup IN (0, 1)),
  from_at INTEGER NOT NULL,
  to_at   INTEGER
);
CREATE INDEX post_terms_grid ON post_terms(grid, from_at);
-- A post has at most one holder at a time.
CREATE UNIQUE INDEX post_terms_open ON post_terms(grid, backup) WHERE to_at IS NULL;

-- Deadlines in seconds per urgency.
CREATE TABLE categories (
  id               TEXT PRIMARY KEY,
  name             TEXT NOT NULL,
  yellow_accept_s  INTEGER NOT NULL,
  yellow_resolve_s INTEGER NOT NULL,
  orange_accept_s  INTEGER NOT NULL,
  orange_resolve_s INTEGER NOT NULL,
  red_accept_s     INTEGER NOT NULL,
  red_resolve_s    INTEGER NOT NULL,
  working_time     INTEGER NOT NULL DEFAULT 0 CHECK (working_time IN (0, 1))
);

CREATE TABLE cases (
  id              INTEGER PRIMARY KEY,
  state           TEXT NOT NULL
                  CHECK (state = 'reported' OR state = 'dispatched' OR state = 'accepted' OR
                         state = 'resolved' OR state = 'closed' OR state = 'cancelled'),
  urgency         TEXT NOT NULL CHECK (urgency = 'yellow' OR urgency = 'orange' OR urgency = 'red'),
  category        TEXT NOT NULL REFERENCES categories(id),
  title           TEXT NOT NULL,
  description     TEXT NOT NULL DEFAULT '',
  address         TEXT NOT NULL DEFAULT '',
  source          TEXT NOT NULL DEFAULT '',
  reporter_name   TEXT NOT NULL DEFAULT '',
  reporter_phone  TEXT NOT NULL DEFAULT '',
  lon             REAL NOT NULL,
  lat             REAL NOT NULL,
  grid            TEXT REFERENCES grids(code),
  community       TEXT,
  street          TEXT,
  district        TEXT,
  assignee        TEXT REFERENCES workers(id),
  tier            TEXT NOT NULL CHECK (tier = 'worker' OR tier = 'community' OR tier = 'street' OR tier = 'district'),
  version         INTEGER NOT NULL,
  created_at      INTEGER NOT NULL,
  updated_at      INTEGER NOT NULL,
  accept_by       INTEGER,
  resolve_by      INTEGER,
  accept_warn_at  INTEGER,
  resolve_warn_at INTEGER,
  accepted_at     INTEGER,
  resolved_at     INTEGER,
  closed_at       INTEGER,
  warned          INTEGER NOT NULL DEFAULT 0,
  overdue         INTEGER NOT NULL DEFAULT 0,
  rework_count    INTEGER NOT NULL DEFAULT 0,
  return_reason   TEXT NOT NULL DEFAULT '',
  deferred        INTEGER NOT NULL DEFAULT 0,
  paused_at       INTEGER
);
-- Lists of open cases are answered from the command center's memory; storage answers
-- for the history. So the list indexes hold closed and cancelled cases only: a case
-- enters them once, when it closes, and an intake touches none of them. Each index ends
-- in the rowid (the case id), so a scan of one value backwards is newest first.
-- Queries name the exact terms "state IN ('closed', 'cancelled')" and "state NOT IN
-- ('closed', 'cancelled')" so that these apply.
CREATE INDEX cases_closed_grid      ON cases(grid)      WHERE state IN ('closed', 'cancelled');
CREATE INDEX cases_closed_community ON cases(community) WHERE state IN ('closed', 'cancelled');
CREATE INDEX cases_closed_street    ON cases(street)    WHERE state IN ('closed', 'cancelled');
CREATE INDEX cases_closed_district  ON cases(district)  WHERE state IN ('closed', 'cancelled');
CREATE INDEX cases_closed_assignee  ON cases(assignee)  WHERE state IN ('closed', 'cancelled');
-- The open cases the center loads at start-up. New ids are the largest, so an intake
-- appends at the index's right edge.
CREATE INDEX cases_open ON cases(id) WHERE state NOT IN ('closed', 'cancelled');

-- The history of every case and the audit trail: appended, never changed.
-- Rows are never deleted (the trigger below), so the rowid alone grows monotonically:
-- AUTOINCREMENT would only add a write to sqlite_sequence per event.
CREATE TABLE case_events (
  seq        INTEGER PRIMARY KEY,
  case_id    INTEGER NOT NULL REFERENCES cases(id),
  at         INTEGER NOT NULL,
  type       TEXT NOT NULL,
  actor      TEXT NOT NULL,
  from_state TEXT NOT NULL,
  to_state   TEXT NOT NULL,
  assignee   TEXT,
  note       TEXT NOT NULL DEFAULT '',
  reason     TEXT NOT NULL DEFAULT ''
);
CREATE INDEX case_events_case ON case_events(case_id);
CREATE TRIGGER case_events_no_update BEFORE UPDATE ON case_events
BEGIN SELECT RAISE(ABORT, 'case events are append-only'); END;
CREATE TRIGGER case_events_no_delete BEFORE DELETE ON case_events
BEGIN SELECT RAISE(ABORT, 'case events are append-only'); END;

-- Changes outside the cases (emergency mode, category deadlines, duty status, grid posts):
-- appended, never changed.
CREATE TABLE audit (
  seq     INTEGER PRIMARY KEY AUTOINCREMENT,
  at      INTEGER NOT NULL,
  actor   TEXT NOT NULL,
  kind    TEXT NOT NULL,
  subject TEXT NOT NULL,
  detail  TEXT NOT NULL DEFAULT ''
);
CREATE INDEX audit_subject ON audit(subject, seq);
CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
)sql";

// PostgreSQL's words for step 1's triggers: the history and the audit trail are append-only.
constexpr std::string_view kOrganisationAndCasesPg = R"sql(
CREATE OR REPLACE FUNCTION gridkeeper_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN RAISE EXCEPTION '% is append-only', TG_TABLE_NAME; END $$;
CREATE TRIGGER case_events_append_only BEFORE UPDATE OR DELETE ON case_events
  FOR EACH ROW EXECUTE FUNCTION gridkeeper_append_only();
CREATE TRIGGER audit_append_only BEFORE UPDATE OR DELETE ON audit
  FOR EACH ROW EXECUTE FUNCTION gridkeeper_append_only();
)sql";

// Step 2: users with roles and scopes, login tokens (only a hash of each) and case photos.
constexpr std::string_view kUsersTokensPhotos = R"sql(
CREATE TABLE users (
  id            INTEGER PRIMARY KEY,
  username      TEXT NOT NULL UNIQUE,
  role          TEXT NOT NULL CHECK (role = 'admin' OR role = 'operator' OR role = 'supervisor' OR role = 'worker'),
  scope         TEXT NOT NULL DEFAULT '',
  worker_id     TEXT NOT NULL DEFAULT '',
  password_hash TEXT NOT NULL,
  active        INTEGER NOT NULL DEFAULT 1
);

CREATE TABLE tokens (
  token_hash TEXT PRIMARY KEY,
  user_id    INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX tokens_expiry ON tokens(expires_at);

CREATE TABLE photos (
  id           INTEGER PRIMARY KEY,
  case_id      INTEGER NOT NULL REFERENCES cases(id),
  content_type TEXT NOT NULL CHECK (content_type IN ('image/jpeg', 'image/png')),
  data         BLOB NOT NULL,
  size         INTEGER NOT NULL,
  at           INTEGER NOT NULL,
  actor        TEXT NOT NULL
);
CREATE INDEX photos_case ON photos(case_id);
)sql";

// Step 3: assessment settings, Open311 client keys (only a hash of each key), and the
// index behind reading the cases taken in during a period.
constexpr std::string_view kReports = R"sql(
CREATE TABLE settings (
  key        TEXT PRIMARY KEY,
  value      TEXT NOT NULL,
  updated_at INTEGER NOT NULL,
  updated_by TEXT NOT NULL
) WITHOUT ROWID;

-- A revoked key keeps its row, so that the cases it brought in still name it.
CREATE TABLE open311_keys (
  id         INTEGER PRIMARY KEY,
  name       TEXT NOT NULL,
  scope      TEXT NOT NULL DEFAULT '',
  key_hash   TEXT NOT NULL UNIQUE,
  created_at INTEGER NOT NULL,
  created_by TEXT NOT NULL,
  revoked_at INTEGER
);
CREATE UNIQUE INDEX open311_keys_active_name ON open311_keys(name) WHERE revoked_at IS NULL;

CREATE INDEX cases_created ON cases(created_at);
)sql";

// Step 4: what each user uploaded lately, for the daily photo allowance.
constexpr std::string_view kPhotoAllowance = R"sql(
CREATE INDEX photos_actor ON photos(actor, at);
)sql";

// Step 5: escalation stops at the top (red, district); the district's last reminder of a
// case, so that it is reminded at most once a day, also across restarts.
constexpr std::string_view kReminders = R"sql(
ALTER TABLE cases ADD COLUMN reminded_at INTEGER;
)sql";

// Step 6: typed events. The data an event carries gets columns of its own (dispatch/
// events.hpp); `reason` stays as words for people. Events stored before are given their
// typed fields once, read from their words (data/legacy_events.cpp). A column already
// there is kept: a step may meet a database that has part of it.
constexpr Column kTypedEventColumns[] = {
    {"deadline", "TEXT CHECK (deadline = 'accept' OR deadline = 'resolve')"},
    {"urgency_from", "TEXT CHECK (urgency_from = 'yellow' OR urgency_from = 'orange' OR urgency_from = 'red')"},
    {"urgency_to", "TEXT CHECK (urgency_to = 'yellow' OR urgency_to = 'orange' OR urgency_to = 'red')"},
    {"tier_from",
     "TEXT CHECK (tier_from = 'worker' OR tier_from = 'community' OR tier_from = 'street' OR tier_from = 'district')"},
    {"tier_to",
     "TEXT CHECK (tier_to = 'worker' OR tier_to = 'community' OR tier_to = 'street' OR tier_to = 'district')"},
    {"score", "INTEGER CHECK (score >= 1 AND score <= 5)"},
    {"paused_ms", "INTEGER CHECK (paused_ms >= 0)"},
    {"rework", "INTEGER CHECK (rework >= 1)"},
    {"assignee_from", "TEXT"},
    {"owner_from", "TEXT"},
    {"owner_to", "TEXT"},
    {"backup_from", "TEXT"},
    {"backup_to", "TEXT"},
};

// Adds to `table` those of `columns` (name, definition) it lacks.
Status add_missing_columns(Connection& db, std::string_view table, std::span<const Column> columns) {
  for (const auto& [name, definition] : columns) {
    auto q = db.query("SELECT count(*) FROM pragma_table_info(?1) WHERE name = ?2");
    if (!q) return q.error();
    q->bind(1, table).bind(2, name);
    const bool present = q->next() && q->int64(0) > 0;
    if (auto e = q->status()) return e;
    if (present) continue;
    if (auto e = db.exec("ALTER TABLE " + std::string(table) + " ADD COLUMN " + std::string(name) + " " +
                         std::string(definition)))
      return e;
  }
  return std::nullopt;
}

Status typed_events(Connection& db) { return legacy::type_old_events(db); }

// Step 8: the audit trail says what a change to the organisation was before and after
// (JSON objects of the fields it touched), and is read by time.
constexpr Column kAuditColumns[] = {
    {"before", "TEXT NOT NULL DEFAULT ''"},
    {"after", "TEXT NOT NULL DEFAULT ''"},
};
constexpr std::string_view kAuditAt = "CREATE INDEX IF NOT EXISTS audit_at ON audit(at, seq);";

// Step 9: leave (请假), each with its boundaries applied so far (dispatch/leave.hpp), so a
// restart applies those passed while the server was down.
constexpr const char* kLeaves = R"sql(
CREATE TABLE IF NOT EXISTS leaves (
  id INTEGER PRIMARY KEY,
  worker_id TEXT NOT NULL REFERENCES workers(id),
  from_at INTEGER NOT NULL,
  to_at INTEGER NOT NULL CHECK (to_at >= from_at),
  reason TEXT NOT NULL,
  move_cases INTEGER NOT NULL DEFAULT 0,
  created_by TEXT NOT NULL DEFAULT '',
  created_at INTEGER NOT NULL,
  cancelled_at INTEGER,
  applied INTEGER NOT NULL DEFAULT 0 CHECK (applied = 0 OR applied = 1 OR applied = 2)
);
CREATE INDEX IF NOT EXISTS leaves_worker ON leaves(worker_id, from_at);
)sql";
// Step 10: accounts administration: a display name, the last login, and whether the user
// must change its password (after a reset or an import); `active` = 0 is a disabled account.
constexpr Column kAccountColumns[] = {
    {"display_name", "TEXT NOT NULL DEFAULT ''"},
    {"last_login_at", "INTEGER NOT NULL DEFAULT 0"},
    {"must_change_password", "INTEGER NOT NULL DEFAULT 0"},
};
// Step 11: the roster keeps its retired workers (离职), who take no new cases and hold no posts.
constexpr Column kRosterColumns[] = {
    {"retired", "INTEGER NOT NULL DEFAULT 0 CHECK (retired = 0 OR retired = 1)"},
};
// Step 13: the first deadline an overdue case missed (dispatch/case_clock.hpp), for the
// cases stored before from their first escalation or reminder.
constexpr Column kOverdueAtColumns[] = {{"overdue_at", "INTEGER"}};
Status case_overdue_at(Connection& db) {
  return db.exec(
      "UPDATE cases SET overdue_at = (SELECT min(at) FROM case_events e WHERE e.case_id = cases.id "
      "AND e.type IN ('escalated', 'reminded')) WHERE overdue AND overdue_at IS NULL");
}

// Step 12: the standard addresses (标准地址, dispatch/address_book.hpp). (address, building)
// is the key a reload updates in place. Searched by substring: an FTS5 table with the
// trigram tokenizer over the address and building (three or more characters; its content
// is the table itself, kept by triggers), and one over their bigrams, each two adjacent
// characters a token, for two-character queries (data/sqlite_addresses.cpp writes it).
constexpr const char* kAddresses = R"sql(
CREATE TABLE IF NOT EXISTS addresses (
  id        INTEGER PRIMARY KEY,
  address   TEXT NOT NULL,
  building  TEXT NOT NULL DEFAULT '',
  community TEXT NOT NULL DEFAULT '',
  lon       REAL NOT NULL,
  lat       REAL NOT NULL,
  grid_id   TEXT,
  UNIQUE (address, building)
);
CREATE INDEX IF NOT EXISTS addresses_grid ON addresses(grid_id);
CREATE VIRTUAL TABLE IF NOT EXISTS addresses_fts USING fts5(address, building, content='addresses',
  content_rowid='id', tokenize='trigram');
CREATE TRIGGER IF NOT EXISTS addresses_fts_insert AFTER INSERT ON addresses BEGIN
  INSERT INTO addresses_fts(rowid, address, building) VALUES (new.id, new.address, new.building);
END;
CREATE TRIGGER IF NOT EXISTS addresses_fts_delete AFTER DELETE ON addresses BEGIN
  INSERT INTO addresses_fts(addresses_fts, rowid, address, building) VALUES ('delete', old.id, old.address, old.building);
  DELETE FROM address_bigrams WHERE rowid = old.id;
END;
CREATE VIRTUAL TABLE IF NOT EXISTS address_bigrams USING fts5(grams, detail='column',
  tokenize='unicode61 remove_diacritics 0');
)sql";

// PostgreSQL's words for step 12's search by substring: trigram indexes (pg_trgm) over the
// address and the building.
constexpr std::string_view kAddressesPg = R"sql(
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE INDEX IF NOT EXISTS addresses_address_trgm ON addresses USING gin (address gin_trgm_ops);
CREATE INDEX IF NOT EXISTS addresses_building_trgm ON addresses USING gin (building gin_trgm_ops);
)sql";

// Step 14: a category says whether resolving needs an after-photo and whether the worker
// calls the reporter back (and so sees the whole phone).
constexpr Column kCategoryPhotoColumns[] = {
    {"after_photo_required", "INTEGER NOT NULL DEFAULT 0 CHECK (after_photo_required = 0 OR after_photo_required = 1)"},
    {"callback", "INTEGER NOT NULL DEFAULT 0 CHECK (callback = 0 OR callback = 1)"},
};

// Step 15: the colour whose deadline an overdue case missed first (dispatch/overdue_colour.hpp),
// which the overdue map counts it under as the figures do, and when (the overdue list's
// order); the cases stored before take them from their summary row, which their events made.
constexpr Column kOverdueColourColumns[] = {
    {"overdue_colour", "TEXT CHECK (overdue_colour = 'yellow' OR overdue_colour = 'orange' OR overdue_colour = 'red')"},
    {"overdue_at", "INTEGER"},
};
Status overdue_colour_column(Connection& db) {
  return db.exec(
      "UPDATE cases SET overdue_colour = (SELECT f.overdue_colour FROM case_facts f WHERE f.id = cases.id), "
      "overdue_at = coalesce(overdue_at, (SELECT f.overdue_at FROM case_facts f WHERE f.id = cases.id)) "
      "WHERE overdue = 1 AND overdue_colour IS NULL");
}

// Step 16: grid generations (网格调整, dispatch/generation.hpp): drafts, scheduled, current
// and past generations, each applied one with its grids as they were, so the grids of any
// time can be listed; grids no longer in force stay (their cases name them) with the time
// they were retired. A database with grids gets them as its first generation, in force from
// the beginning.
constexpr const char* kGenerations = R"sql(
CREATE TABLE IF NOT EXISTS generations (
  id INTEGER PRIMARY KEY,
  state TEXT NOT NULL CHECK (state = 'draft' OR state = 'scheduled' OR state = 'current' OR state = 'past'),
  created_at INTEGER NOT NULL,
  created_by TEXT NOT NULL,
  effective_at INTEGER,
  applied_at INTEGER,
  open_cases TEXT,
  grid_count INTEGER NOT NULL DEFAULT 0,
  problem_count INTEGER NOT NULL DEFAULT 0,
  diff TEXT NOT NULL DEFAULT '{}',
  file TEXT
);
CREATE TABLE IF NOT EXISTS generation_grids (
  generation INTEGER NOT NULL REFERENCES generations(id),
  code       TEXT NOT NULL,
  name       TEXT NOT NULL,
  community  TEXT NOT NULL,
  population INTEGER NOT NULL,
  geometry   TEXT NOT NULL,
  PRIMARY KEY (generation, code)
) WITHOUT ROWID;
)sql";
constexpr Column kGridColumns[] = {
    {"retired_at", "INTEGER"},
};
Status generations(Connection& db) {
  return db.exec(
      "INSERT INTO generations (id, state, created_at, created_by, applied_at, grid_count) "
      "SELECT 1, 'current', 0, 'system', 0, count(*) FROM grids WHERE retired_at IS NULL "
      "AND NOT EXISTS (SELECT 1 FROM generations) HAVING count(*) > 0; "
      "INSERT INTO generation_grids (generation, code, name, community, population, geometry) "
      "SELECT 1, code, name, community, population, geometry FROM grids "
      "WHERE retired_at IS NULL AND EXISTS (SELECT 1 FROM generations WHERE id = 1 AND state = 'current') "
      "AND NOT EXISTS (SELECT 1 FROM generation_grids WHERE generation = 1)");
}

// Step 17: where an open case was before a redraw moved it (a `regrid` event): its grid,
// its areas and its worker until then, so that a report of an earlier period counts it
// where it was (Reports::each_record with places_at). The ledger's writer adds a row with
// each regrid event (data/case_facts.cpp); the moves stored before get theirs from the
// event: the grid its words name, the areas that grid lies in, the worker it left.
constexpr const char* kCaseMoves = R"sql(
CREATE TABLE IF NOT EXISTS case_moves (
  at        INTEGER NOT NULL,
  case_id   INTEGER NOT NULL,
  grid      TEXT,
  community TEXT,
  street    TEXT,
  district  TEXT,
  assignee  TEXT,
  PRIMARY KEY (at, case_id)
) WITHOUT ROWID;
)sql";
Status case_moves(Connection& db) {
  return db.exec(
      "INSERT OR IGNORE INTO case_moves (at, case_id, grid, community, street, district, assignee) "
      "SELECT e.at, e.case_id, g.code, g.community, s.code, d.code, coalesce(nullif(e.assignee_from, ''), e.assignee) "
      "FROM case_events e "
      "JOIN grids g ON g.code = substr(e.reason, 14, instr(e.reason, ' -> ') - 14) "
      "LEFT JOIN jurisdictions c ON c.code = g.community "
      "LEFT JOIN jurisdictions s ON s.code = c.parent "
      "LEFT JOIN jurisdictions d ON d.code = s.parent "
      "WHERE e.type = 'regrid' AND e.reason LIKE 'grid redraw: % -> %'");
}

Status set_pragmas(Connection& db) {
  // WAL: readers see the last commit while the writer writes. FULL: the WAL is synced at
  // every COMMIT, so an acknowledged case survives a crash or a power cut.
  auto mode = db.query("PRAGMA journal_mode = WAL");
  if (!mode) return mode.error();
  std::string journal = mode->next() ? mode->text(0) : std::string();
  if (auto e = mode->status()) return e;
  if (journal != "wal") return storage_error("cannot switch " + db.path() + " to WAL (journal mode " + journal + ")");
  return db.exec(
      "PRAGMA synchronous = FULL;"
      "PRAGMA foreign_keys = ON;"
      "PRAGMA temp_store = MEMORY;"
      "PRAGMA cache_size = -65536;");
}

}  // namespace

// Step 7: a summary row per case for the reports (data/case_facts.hpp), made for the cases
// stored before by replaying their events through dispatch's fold.

const std::vector<MigrationStep>& migrations() {
  static const std::vector<MigrationStep> steps{{kOrganisationAndCases, nullptr, {}, {}, kOrganisationAndCasesPg},
                                                {kUsersTokensPhotos},
                                                {kReports},
                                                {kPhotoAllowance},
                                                {kReminders},
                                                {{}, &typed_events, "case_events", kTypedEventColumns},
                                                {case_facts::kSchema, &case_facts::backfill},
                                                {kAuditAt, nullptr, "audit", kAuditColumns},
                                                {kLeaves},
                                                {{}, nullptr, "users", kAccountColumns},
                                                {{}, nullptr, "workers", kRosterColumns},
                                                {kAddresses, nullptr, {}, {}, kAddressesPg},
                                                {{}, &case_overdue_at, "cases", kOverdueAtColumns},
                                                {{}, nullptr, "categories", kCategoryPhotoColumns},
                                                {{}, &overdue_colour_column, "cases", kOverdueColourColumns},
                                                {kGenerations, &generations, "grids", kGridColumns},
                                                {kCaseMoves, &case_moves}};
  return steps;
}

int latest_schema_version() { return static_cast<int>(migrations().size()); }

Status migrate(Connection& db) {
  const auto& steps = migrations();
  while (true) {
    // Read the version inside the write lock: another process may be migrating too.
    auto tx = Transaction::begin(db, Transaction::Kind::immediate);
    if (!tx) return tx.error();
    auto version = db.scalar("PRAGMA user_version");
    if (!version) return version.error();
    if (*version > latest_schema_version())
      return storage_error(db.path() + " has schema version " + std::to_string(*version) +
                           ", newer than this gridkeeper knows (" + std::to_string(latest_schema_version()) + ")");
    if (*version == latest_schema_version()) return std::nullopt;
    const auto next = static_cast<std::size_t>(*version);
    const auto& step = steps[next];
    auto e = db.exec(step.sql);
    if (!e) e = add_missing_columns(db, step.table, step.columns);
    if (!e && step.convert) e = step.convert(db);
    if (e) return storage_error("schema step " + std::to_string(next + 1) + " failed: " + e->message);
    if (auto e = db.exec("PRAGMA user_version = " + std::to_string(next + 1))) return e;
    if (auto e = tx->commit()) return e;
  }
}

std::vector<dispatch::Category> default_categories() {
  const auto sla = dispatch::default_sla();
  std::vector<dispatch::Category> out{
      {"environment", "环境卫生", sla},    {"illegal_construction", "违法建设", sla},
      {"dispute", "矛盾纠纷", sla},        {"safety_hazard", "安全隐患", sla},
      {"public_service", "民生服务", sla}, {"petition", "信访诉求", sla},
      {"epidemic", "疫情防控", sla},       {"other", "其他", sla},
  };
  // A dispute or a petition is settled by talking to the one who raised it: its worker calls back.
  for (auto& c : out) c.callback = c.id == "dispute" || c.id == "petition";
  return out;
}

template <class Db>
Status insert_default_categories(Db& db) {
  auto tx = Db::Transaction::begin(db);
  if (!tx) return tx.error();
  auto count = db.scalar("SELECT count(*) FROM categories");
  if (!count) return count.error();
  if (*count > 0) return std::nullopt;
  for (const auto& c : default_categories()) {
    auto q = db.query(records::kUpsertCategory);
    if (!q) return q.error();
    records::bind_category(*q, c);
    if (auto e = q->run()) return e;
  }
  return tx->commit();
}
template Status insert_default_categories<Connection>(Connection&);
template Status insert_default_categories<pg::Connection>(pg::Connection&);

Result<std::unique_ptr<Connection>> open_for_writing(const std::string& path, int busy_timeout_ms) {
  auto db = Connection::open(path, OpenMode::create, busy_timeout_ms);
  if (!db) return db.error();
  if (auto e = set_pragmas(**db)) return *e;
  if (auto e = migrate(**db)) return *e;
  if (auto e = insert_default_categories(**db)) return *e;
  return std::move(*db);
}

Result<std::unique_ptr<Connection>> open_for_reading(const std::string& path, int busy_timeout_ms) {
  auto db = Connection::open(path, OpenMode::read_only, busy_timeout_ms);
  if (!db) return db.error();
  if (auto e = (*db)->exec("PRAGMA cache_size = -8192")) return *e;
  return std::move(*db);
}

}  // namespace gridkeeper::data
