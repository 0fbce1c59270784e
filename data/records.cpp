#include "data/records.hpp"

#include "data/pg_rows.hpp"

namespace gridkeeper::data::records {

using namespace dispatch;

const std::string_view kCaseColumns =
    "id, state, urgency, category, title, description, address, source, reporter_name, reporter_phone, lon, lat, "
    "grid, community, street, district, assignee, tier, version, created_at, updated_at, accept_by, resolve_by, "
    "accept_warn_at, resolve_warn_at, accepted_at, resolved_at, closed_at, warned, overdue, rework_count, "
    "return_reason, deferred, paused_at, reminded_at, overdue_colour, overdue_at";

const std::string_view kUpsertCase =
    "INSERT INTO cases (id, state, urgency, category, title, description, address, source, reporter_name, "
    "reporter_phone, lon, lat, grid, community, street, district, assignee, tier, version, created_at, updated_at, "
    "accept_by, resolve_by, accept_warn_at, resolve_warn_at, accepted_at, resolved_at, closed_at, warned, overdue, "
    "rework_count, return_reason, deferred, paused_at, reminded_at, overdue_colour, overdue_at) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22, "
    "?23, ?24, ?25, ?26, ?27, ?28, ?29, ?30, ?31, ?32, ?33, ?34, ?35, ?36, ?37) "
    "ON CONFLICT (id) DO UPDATE SET state = excluded.state, urgency = excluded.urgency, "
    "category = excluded.category, title = excluded.title, description = excluded.description, "
    "address = excluded.address, source = excluded.source, reporter_name = excluded.reporter_name, "
    "reporter_phone = excluded.reporter_phone, lon = excluded.lon, lat = excluded.lat, grid = excluded.grid, "
    "community = excluded.community, street = excluded.street, district = excluded.district, "
    "assignee = excluded.assignee, tier = excluded.tier, version = excluded.version, "
    "created_at = excluded.created_at, updated_at = excluded.updated_at, accept_by = excluded.accept_by, "
    "resolve_by = excluded.resolve_by, accept_warn_at = excluded.accept_warn_at, "
    "resolve_warn_at = excluded.resolve_warn_at, accepted_at = excluded.accepted_at, "
    "resolved_at = excluded.resolved_at, closed_at = excluded.closed_at, warned = excluded.warned, "
    "overdue = excluded.overdue, rework_count = excluded.rework_count, return_reason = excluded.return_reason, "
    "deferred = excluded.deferred, paused_at = excluded.paused_at, reminded_at = excluded.reminded_at, "
    "overdue_colour = excluded.overdue_colour, overdue_at = excluded.overdue_at";

template <class Q>
void bind_case(Q& q, const Case& c) {
  // The case outlives the statement's use: its text is bound without copies.
  q.bind(1, c.id)
      .bind_borrowed(2, to_string(c.state))
      .bind_borrowed(3, to_string(c.urgency))
      .bind_borrowed(4, c.category)
      .bind_borrowed(5, c.title)
      .bind_borrowed(6, c.description)
      .bind_borrowed(7, c.address)
      .bind_borrowed(8, c.source)
      .bind_borrowed(9, c.reporter.name)
      .bind_borrowed(10, c.reporter.phone)
      .bind(11, c.lon)
      .bind(12, c.lat)
      .bind_borrowed_code(13, c.grid)
      .bind_borrowed_code(14, c.community)
      .bind_borrowed_code(15, c.street)
      .bind_borrowed_code(16, c.district)
      .bind_borrowed_code(17, c.assignee)
      .bind_borrowed(18, to_string(c.tier))
      .bind(19, c.version)
      .bind(20, c.created_at)
      .bind(21, c.updated_at)
      .bind(22, c.accept_by)
      .bind(23, c.resolve_by)
      .bind(24, c.accept_warn_at)
      .bind(25, c.resolve_warn_at)
      .bind(26, c.accepted_at)
      .bind(27, c.resolved_at)
      .bind(28, c.closed_at)
      .bind(29, c.warned)
      .bind(30, c.overdue)
      .bind(31, c.rework_count)
      .bind_borrowed(32, c.return_reason)
      .bind(33, c.deferred)
      .bind(34, c.paused_at)
      .bind(35, c.reminded_at);
  if (c.overdue_colour) q.bind_borrowed(36, to_string(*c.overdue_colour));
  else q.bind_null(36);
  q.bind(37, c.overdue_at);
}

template <class Q>
Case read_case(const Q& q, int f) {
  // The schema's CHECK constraints keep the enumerations valid.
  Case c;
  c.id = q.int64(f + 0);
  c.state = case_state_from(q.text(f + 1)).value_or(CaseState::reported);
  c.urgency = urgency_from(q.text(f + 2)).value_or(Urgency::yellow);
  c.category = q.text(f + 3);
  c.title = q.text(f + 4);
  c.description = q.text(f + 5);
  c.address = q.text(f + 6);
  c.source = q.text(f + 7);
  c.reporter.name = q.text(f + 8);
  c.reporter.phone = q.text(f + 9);
  c.lon = q.real(f + 10);
  c.lat = q.real(f + 11);
  c.grid = q.text(f + 12);
  c.community = q.text(f + 13);
  c.street = q.text(f + 14);
  c.district = q.text(f + 15);
  c.assignee = q.text(f + 16);
  c.tier = tier_from(q.text(f + 17)).value_or(Tier::worker);
  c.version = q.int64(f + 18);
  c.created_at = q.int64(f + 19);
  c.updated_at = q.int64(f + 20);
  c.accept_by = q.optional_int64(f + 21);
  c.resolve_by = q.optional_int64(f + 22);
  c.accept_warn_at = q.optional_int64(f + 23);
  c.resolve_warn_at = q.optional_int64(f + 24);
  c.accepted_at = q.optional_int64(f + 25);
  c.resolved_at = q.optional_int64(f + 26);
  c.closed_at = q.optional_int64(f + 27);
  c.warned = q.int64(f + 28) != 0;
  c.overdue = q.int64(f + 29) != 0;
  c.rework_count = static_cast<int>(q.int64(f + 30));
  c.return_reason = q.text(f + 31);
  c.deferred = q.int64(f + 32) != 0;
  c.paused_at = q.optional_int64(f + 33);
  c.reminded_at = q.optional_int64(f + 34);
  c.overdue_colour = q.is_null(f + 35) ? std::nullopt : urgency_from(q.text_view(f + 35));
  c.overdue_at = q.optional_int64(f + 36);
  return c;
}

const std::string_view kEventColumns =
    "seq, case_id, at, type, actor, from_state, to_state, assignee, note, reason, deadline, urgency_from, urgency_to, "
    "tier_from, tier_to, score, paused_ms, rework, assignee_from, owner_from, owner_to, backup_from, backup_to";

const std::string_view kInsertEvent =
    "INSERT INTO case_events (case_id, at, type, actor, from_state, to_state, assignee, note, reason, deadline, "
    "urgency_from, urgency_to, tier_from, tier_to, score, paused_ms, rework, assignee_from, owner_from, owner_to, "
    "backup_from, backup_to) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22)";

namespace {
// An enumeration's name, or NULL when the event carries none.
template <class Q, class E>
void bind_name(Q& q, int index, const std::optional<E>& v) {
  if (v) q.bind_borrowed(index, to_string(*v));
  else q.bind_null(index);
}
template <class Q, class E>
std::optional<E> read_name(const Q& q, int column, std::optional<E> (*parse)(std::string_view)) {
  if (q.is_null(column)) return std::nullopt;
  return parse(q.text(column));
}
template <class Q>
std::optional<int> optional_int(const Q& q, int column) {
  if (auto v = q.optional_int64(column)) return static_cast<int>(*v);
  return std::nullopt;
}
}  // namespace

template <class Q>
void bind_event(Q& q, const CaseEvent& e) {
  q.bind(1, e.case_id)
      .bind(2, e.at)
      .bind_borrowed(3, to_string(e.type))
      .bind_borrowed(4, e.actor)
      .bind_borrowed(5, to_string(e.from_state))
      .bind_borrowed(6, to_string(e.to_state))
      .bind_borrowed_code(7, e.assignee)
      .bind_borrowed(8, e.note)
      .bind_borrowed(9, e.reason);
  bind_name(q, 10, e.deadline);
  bind_name(q, 11, e.urgency_from);
  bind_name(q, 12, e.urgency_to);
  bind_name(q, 13, e.tier_from);
  bind_name(q, 14, e.tier_to);
  q.bind(15, e.score ? std::optional<std::int64_t>(*e.score) : std::nullopt)
      .bind(16, e.paused_ms)
      .bind(17, e.rework ? std::optional<std::int64_t>(*e.rework) : std::nullopt)
      .bind_borrowed_code(18, e.assignee_from);
  if (e.posts) {
    q.bind_borrowed_code(19, e.posts->owner_from)
        .bind_borrowed_code(20, e.posts->owner_to)
        .bind_borrowed_code(21, e.posts->backup_from)
        .bind_borrowed_code(22, e.posts->backup_to);
  } else {
    q.bind_null(19).bind_null(20).bind_null(21).bind_null(22);
  }
}

template <class Q>
CaseEvent read_event(const Q& q, int f) {
  // Every stored type is known: the center writes only the names of EventType, and schema
  // step 6 checked the older rows. The CHECK constraints keep the other names valid.
  CaseEvent e;
  e.seq = q.int64(f + 0);
  e.case_id = q.int64(f + 1);
  e.at = q.int64(f + 2);
  e.type = event_type_from(q.text(f + 3)).value_or(EventType::note);
  e.actor = q.text(f + 4);
  e.from_state = case_state_from(q.text(f + 5)).value_or(CaseState::reported);
  e.to_state = case_state_from(q.text(f + 6)).value_or(CaseState::reported);
  e.assignee = q.text(f + 7);
  e.note = q.text(f + 8);
  e.reason = q.text(f + 9);
  e.deadline = read_name(q, f + 10, &deadline_from);
  e.urgency_from = read_name(q, f + 11, &urgency_from);
  e.urgency_to = read_name(q, f + 12, &urgency_from);
  e.tier_from = read_name(q, f + 13, &tier_from);
  e.tier_to = read_name(q, f + 14, &tier_from);
  e.score = optional_int(q, f + 15);
  e.paused_ms = q.optional_int64(f + 16);
  e.rework = optional_int(q, f + 17);
  e.assignee_from = q.text(f + 18);
  if (!q.is_null(f + 19) || !q.is_null(f + 20) || !q.is_null(f + 21) || !q.is_null(f + 22))
    e.posts = PostChange{q.text(f + 19), q.text(f + 20), q.text(f + 21), q.text(f + 22)};
  return e;
}

const std::string_view kUpsertJurisdiction =
    "INSERT INTO jurisdictions (code, name, level, parent) VALUES (?1, ?2, ?3, ?4) "
    "ON CONFLICT (code) DO UPDATE SET name = excluded.name, level = excluded.level, parent = excluded.parent";

const std::string_view kInsertAudit =
    "INSERT INTO audit (at, actor, kind, subject, detail, before, after) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)";

template <class Q>
void bind_audit(Q& q, const dispatch::AuditEntry& a) {
  q.bind(1, a.at)
      .bind(2, a.actor)
      .bind(3, a.kind)
      .bind(4, a.subject)
      .bind(5, a.detail)
      .bind(6, a.before)
      .bind(7, a.after);
}

template <class Db>
dispatch::Status insert_audit(Db& db, const dispatch::AuditEntry& a) {
  auto q = db.query(kInsertAudit);
  if (!q) return q.error();
  bind_audit(*q, a);
  return q->run();
}
template dispatch::Status insert_audit(Connection&, const dispatch::AuditEntry&);
template dispatch::Status insert_audit(pg::Connection&, const dispatch::AuditEntry&);

const std::string_view kUpsertWorker =
    "INSERT INTO workers (id, name, phone, community, status, retired) VALUES (?1, ?2, ?3, ?4, ?5, ?6) "
    "ON CONFLICT (id) DO UPDATE SET name = excluded.name, phone = excluded.phone, community = excluded.community, "
    "status = excluded.status, retired = excluded.retired";

const std::string_view kCategoryColumns =
    "id, name, yellow_accept_s, yellow_resolve_s, orange_accept_s, orange_resolve_s, red_accept_s, red_resolve_s, "
    "working_time, after_photo_required, callback";

const std::string_view kUpsertCategory =
    "INSERT INTO categories (id, name, yellow_accept_s, yellow_resolve_s, orange_accept_s, orange_resolve_s, "
    "red_accept_s, red_resolve_s, working_time, after_photo_required, callback) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11) "
    "ON CONFLICT (id) DO UPDATE SET name = excluded.name, yellow_accept_s = excluded.yellow_accept_s, "
    "yellow_resolve_s = excluded.yellow_resolve_s, orange_accept_s = excluded.orange_accept_s, "
    "orange_resolve_s = excluded.orange_resolve_s, red_accept_s = excluded.red_accept_s, "
    "red_resolve_s = excluded.red_resolve_s, working_time = excluded.working_time, "
    "after_photo_required = excluded.after_photo_required, callback = excluded.callback";

template <class Q>
void bind_category(Q& q, const Category& c) {
  q.bind(1, c.id).bind(2, c.name);
  for (int u = 0; u < 3; ++u) {
    const auto& d = c.sla[static_cast<std::size_t>(u)];
    q.bind(3 + 2 * u, d.accept_s).bind(4 + 2 * u, d.resolve_s);
  }
  q.bind(9, c.working_time).bind(10, c.after_photo_required).bind(11, c.callback);
}

template <class Q>
Category read_category(const Q& q, int f) {
  Category c;
  c.id = q.text(f);
  c.name = q.text(f + 1);
  for (int u = 0; u < 3; ++u) c.sla[static_cast<std::size_t>(u)] = {q.int64(f + 2 + 2 * u), q.int64(f + 3 + 2 * u)};
  c.working_time = q.int64(f + 8) != 0;
  c.after_photo_required = q.int64(f + 9) != 0;
  c.callback = q.int64(f + 10) != 0;
  return c;
}

// Both backends' queries.
#define GRIDKEEPER_RECORDS_FOR(Q)                      \
  template void bind_case<Q>(Q&, const Case&);         \
  template Case read_case<Q>(const Q&, int);           \
  template void bind_event<Q>(Q&, const CaseEvent&);   \
  template CaseEvent read_event<Q>(const Q&, int);     \
  template void bind_category<Q>(Q&, const Category&); \
  template Category read_category<Q>(const Q&, int);   \
  template void bind_audit<Q>(Q&, const dispatch::AuditEntry&);
GRIDKEEPER_RECORDS_FOR(Query)
GRIDKEEPER_RECORDS_FOR(pg::Query)
#undef GRIDKEEPER_RECORDS_FOR
// Many rows in one statement (PostgreSQL's writer).
template void bind_case<pg::Rows>(pg::Rows&, const Case&);
template void bind_event<pg::Rows>(pg::Rows&, const CaseEvent&);

}  // namespace gridkeeper::data::records
