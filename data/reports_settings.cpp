// ReportsStore, what an administrator sets: settings and Open311 keys, each change with its
// audit entry in the same transaction, and the audit trail's read.
#include "data/records.hpp"
#include "data/reports_store.hpp"
#include "dispatch/audit.hpp"

namespace gridkeeper::data {

using namespace dispatch;

namespace {
template <class Query>
ClientKey read_key(const Query& q) {
  return ClientKey{q.int64(0), q.text(1), q.text(2), q.text(3), q.int64(4), q.text(5)};
}
constexpr std::string_view kKeyColumns = "id, name, scope, key_hash, created_at, created_by";

template <class Db>
Status audit(Db& db, Millis at, const std::string& actor, std::string_view kind, const std::string& subject,
             const std::string& detail, const std::string& before = {}, const std::string& after = {}) {
  return records::insert_audit(db, {at, actor, std::string(kind), subject, detail, before, after});
}

}  // namespace

template <class Db>
Result<std::optional<std::string>> ReportsStore<Db>::setting(const std::string& key) {
  auto lease = reader();
  if (!lease) return lease.error();
  auto q = (*lease)->query("SELECT value FROM settings WHERE key = ?1");
  if (!q) return q.error();
  q->bind(1, key);
  std::optional<std::string> found;
  if (q->next()) found = q->text(0);
  if (auto e = q->status()) return *e;
  return found;
}

template <class Db>
Status ReportsStore<Db>::put_setting(const std::string& key, const std::string& value, Millis at,
                                     const std::string& actor) {
  return write([&](Db& db) -> Status {
    std::string before;  // the value it replaces, read in the same transaction
    {
      auto q = db.query("SELECT value FROM settings WHERE key = ?1");
      if (!q) return q.error();
      q->bind(1, key);
      if (q->next()) before = q->text(0);
      if (auto e = q->status()) return e;
    }
    auto q = db.query(
        "INSERT INTO settings (key, value, updated_at, updated_by) VALUES (?1, ?2, ?3, ?4) "
        "ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at, "
        "updated_by = excluded.updated_by");
    if (!q) return q.error();
    q->bind(1, key).bind(2, value).bind(3, at).bind(4, actor);
    if (auto e = q->run()) return e;
    return audit(db, at, actor, "setting", key, "changed " + key, setting_fields(before), setting_fields(value));
  });
}

template <class Db>
Result<ClientKey> ReportsStore<Db>::add_client_key(ClientKey key) {
  auto failed = write([&](Db& db) -> Status {
    {
      auto q = db.query("SELECT 1 FROM open311_keys WHERE name = ?1 AND revoked_at IS NULL");
      if (!q) return q.error();
      q->bind(1, key.name);
      const bool exists = q->next();
      if (auto e = q->status()) return e;
      if (exists) return make_error(ErrorCode::conflict, "an active key named " + key.name + " exists", "name");
    }
    auto q = db.query(
        "INSERT INTO open311_keys (name, scope, key_hash, created_at, created_by) VALUES (?1, ?2, ?3, ?4, ?5) "
        "RETURNING id");
    if (!q) return q.error();
    q->bind(1, key.name).bind(2, key.scope).bind(3, key.key_hash).bind(4, key.created_at).bind(5, key.created_by);
    if (q->next()) key.id = q->int64(0);
    if (auto e = q->status()) return e;
    return audit(db, key.created_at, key.created_by, "open311_key", key.name,
                 "created key " + std::to_string(key.id) + (key.scope.empty() ? "" : " for " + key.scope), {},
                 client_key_fields(key.id, key.name, key.scope, false));
  });
  if (failed) return *failed;
  return key;
}

template <class Db>
Result<std::vector<ClientKey>> ReportsStore<Db>::client_keys() {
  auto lease = reader();
  if (!lease) return lease.error();
  static const std::string sql =
      "SELECT " + std::string(kKeyColumns) + " FROM open311_keys WHERE revoked_at IS NULL ORDER BY id";
  auto q = (*lease)->query(sql);
  if (!q) return q.error();
  std::vector<ClientKey> out;
  while (q->next()) out.push_back(read_key(*q));
  if (auto e = q->status()) return *e;
  return out;
}

template <class Db>
Result<std::optional<ClientKey>> ReportsStore<Db>::find_client_key(const std::string& key_hash) {
  auto lease = reader();
  if (!lease) return lease.error();
  static const std::string sql =
      "SELECT " + std::string(kKeyColumns) + " FROM open311_keys WHERE key_hash = ?1 AND revoked_at IS NULL";
  auto q = (*lease)->query(sql);
  if (!q) return q.error();
  q->bind(1, key_hash);
  std::optional<ClientKey> found;
  if (q->next()) found = read_key(*q);
  if (auto e = q->status()) return *e;
  return found;
}

template <class Db>
Status ReportsStore<Db>::revoke_client_key(std::int64_t id, Millis at, const std::string& actor) {
  return write([&](Db& db) -> Status {
    std::string name, scope;
    {
      auto q = db.query("SELECT name, scope FROM open311_keys WHERE id = ?1 AND revoked_at IS NULL");
      if (!q) return q.error();
      q->bind(1, id);
      if (q->next()) {
        name = q->text(0);
        scope = q->text(1);
      }
      if (auto e = q->status()) return e;
    }
    if (name.empty()) return make_error(ErrorCode::not_found, "no active Open311 key " + std::to_string(id));
    auto q = db.query("UPDATE open311_keys SET revoked_at = ?2 WHERE id = ?1");
    if (!q) return q.error();
    q->bind(1, id).bind(2, at);
    if (auto e = q->run()) return e;
    return audit(db, at, actor, "open311_key", name, "revoked key " + std::to_string(id),
                 client_key_fields(id, name, scope, false), client_key_fields(id, name, scope, true));
  });
}

// The audit trail, newest first along the index audit_at(at, seq).
template <class Db>
Status ReportsStore<Db>::each_audit(const AuditQuery& query, const std::function<bool(const AuditRecord&)>& visit) {
  auto lease = reader();
  if (!lease) return lease.error();
  // One statement: one snapshot. The cursor is the entry's place in (at, seq) order, so
  // paging follows the order even when the clock was moved back between two entries.
  static const std::string sql =
      "SELECT seq, at, actor, kind, subject, detail, before, after FROM audit "
      "WHERE at >= ?1 AND at < ?2 "
      "AND (CAST(?3 AS TEXT) IS NULL OR " +
      Dialect<Db>::holds("actor", 3) +
      ") "
      "AND (CAST(?4 AS TEXT) IS NULL OR " +
      Dialect<Db>::holds("subject", 4) +
      ") "
      "AND (CAST(?5 AS TEXT) IS NULL OR kind = ?5) "
      "AND (CAST(?6 AS BIGINT) IS NULL OR (at, seq) < (SELECT at, seq FROM audit WHERE seq = ?6)) "
      "ORDER BY at DESC, seq DESC";
  auto q = (*lease)->query(sql);
  if (!q) return q.error();
  q->bind(1, query.from)
      .bind(2, query.to)
      .bind_code(3, query.actor)
      .bind_code(4, query.target)
      .bind_code(5, query.kind);
  if (query.after > 0) q->bind(6, query.after);
  else q->bind_null(6);
  AuditRecord r;
  while (q->next()) {
    r.seq = q->int64(0);
    r.entry.at = q->int64(1);
    r.entry.actor = q->text(2);
    r.entry.kind = q->text(3);
    r.entry.subject = q->text(4);
    r.entry.detail = q->text(5);
    r.entry.before = q->text(6);
    r.entry.after = q->text(7);
    if (!visit(r)) return std::nullopt;
  }
  return q->status();
}
template Result<std::optional<std::string>> ReportsStore<Connection>::setting(const std::string&);
template Result<std::optional<std::string>> ReportsStore<pg::Connection>::setting(const std::string&);
template Status ReportsStore<Connection>::put_setting(const std::string&, const std::string&, Millis,
                                                      const std::string&);
template Status ReportsStore<pg::Connection>::put_setting(const std::string&, const std::string&, Millis,
                                                          const std::string&);
template Result<ClientKey> ReportsStore<Connection>::add_client_key(ClientKey);
template Result<ClientKey> ReportsStore<pg::Connection>::add_client_key(ClientKey);
template Result<std::vector<ClientKey>> ReportsStore<Connection>::client_keys();
template Result<std::vector<ClientKey>> ReportsStore<pg::Connection>::client_keys();
template Result<std::optional<ClientKey>> ReportsStore<Connection>::find_client_key(const std::string&);
template Result<std::optional<ClientKey>> ReportsStore<pg::Connection>::find_client_key(const std::string&);
template Status ReportsStore<Connection>::revoke_client_key(std::int64_t, Millis, const std::string&);
template Status ReportsStore<pg::Connection>::revoke_client_key(std::int64_t, Millis, const std::string&);
template Status ReportsStore<Connection>::each_audit(const AuditQuery&, const std::function<bool(const AuditRecord&)>&);
template Status ReportsStore<pg::Connection>::each_audit(const AuditQuery&,
                                                         const std::function<bool(const AuditRecord&)>&);

}  // namespace gridkeeper::data
