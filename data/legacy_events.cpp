#include "data/legacy_events.hpp"

#include <charconv>
#include <string>
#include <vector>

namespace gridkeeper::data::legacy {

using namespace dispatch;

namespace {

bool starts_with(std::string_view s, std::string_view prefix) { return s.substr(0, prefix.size()) == prefix; }

std::optional<std::int64_t> number(std::string_view s) {
  std::int64_t v = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
  return v;
}

// The clock that applied in a state: acceptance while dispatched, resolution after.
Deadline deadline_in(CaseState s) { return s == CaseState::dispatched ? Deadline::accept : Deadline::resolve; }

// "<what was missed>: <colour> -> <colour>, <tier> -> <tier>". The colour missed is read
// as the assessment read it before step 6: the word before the first arrow.
void read_escalation(CaseEvent& e) {
  const std::string_view r = e.reason;
  if (starts_with(r, "not accepted")) e.deadline = Deadline::accept;
  else if (starts_with(r, "not resolved")) e.deadline = Deadline::resolve;
  else e.deadline = deadline_in(e.from_state);
  const auto arrow = r.find(" -> ");
  if (arrow == std::string_view::npos) return;
  const auto cut = r.find_last_of(" :", arrow == 0 ? 0 : arrow - 1);
  const auto start = cut == std::string_view::npos ? 0 : cut + 1;
  e.urgency_from = urgency_from(r.substr(start, arrow - start));
  const auto rest = r.substr(arrow + 4);
  const auto comma = rest.find(", ");
  e.urgency_to = urgency_from(rest.substr(0, comma));
  if (comma == std::string_view::npos) return;
  const auto tiers = rest.substr(comma + 2);
  const auto tier_arrow = tiers.find(" -> ");
  if (tier_arrow == std::string_view::npos) return;
  e.tier_from = tier_from(tiers.substr(0, tier_arrow));
  e.tier_to = tier_from(tiers.substr(tier_arrow + 4));
}

}  // namespace

void read_typed_fields(CaseEvent& e) {
  const std::string_view r = e.reason;
  switch (e.type) {
    case EventType::warned:
      e.deadline = r.find("acceptance") != std::string_view::npos   ? Deadline::accept
                   : r.find("resolution") != std::string_view::npos ? Deadline::resolve
                                                                    : deadline_in(e.from_state);
      break;
    case EventType::escalated:
      read_escalation(e);
      break;
    case EventType::reminded:
      e.deadline = deadline_in(e.from_state);
      break;
    case EventType::rated:
      // "score N", N from 1 to 5: anything else was never counted as a rating.
      if (r.size() == 7 && starts_with(r, "score ") && r[6] >= '1' && r[6] <= '5') e.score = r[6] - '0';
      break;
    case EventType::resume:
      if (starts_with(r, "paused for ") && r.size() > 15 && r.substr(r.size() - 4) == " min")
        if (auto minutes = number(r.substr(11, r.size() - 15)); minutes && *minutes >= 0)
          e.paused_ms = *minutes * 60'000;
      break;
    case EventType::reopen:
      if (starts_with(r, "rework "))
        if (auto n = number(r.substr(7)); n && *n >= 1 && *n <= 1'000'000) e.rework = static_cast<int>(*n);
      break;
    case EventType::created: {
      constexpr std::string_view kRaised = "emergency mode: raised to ";
      if (starts_with(e.note, kRaised))
        if (auto to = urgency_from(std::string_view(e.note).substr(kRaised.size()))) {
          e.urgency_from = Urgency::yellow;
          e.urgency_to = to;
        }
      break;
    }
    default:
      break;
  }
}

std::optional<PostChange> read_posts(std::string_view d) {
  constexpr std::string_view kOwner = "owner ", kArrow = " -> ", kBackup = ", backup ";
  if (!starts_with(d, kOwner)) return std::nullopt;
  d.remove_prefix(kOwner.size());
  PostChange p;
  const auto a1 = d.find(kArrow);
  if (a1 == std::string_view::npos) return std::nullopt;
  p.owner_from = d.substr(0, a1);
  d.remove_prefix(a1 + kArrow.size());
  const auto b = d.find(kBackup);
  if (b == std::string_view::npos) return std::nullopt;
  p.owner_to = d.substr(0, b);
  d.remove_prefix(b + kBackup.size());
  const auto a2 = d.find(kArrow);
  if (a2 == std::string_view::npos) return std::nullopt;
  p.backup_from = d.substr(0, a2);
  p.backup_to = d.substr(a2 + kArrow.size());
  return p;
}

std::optional<std::string_view> handover_grid(std::string_view reason) {
  constexpr std::string_view kGrid = "grid ", kChanged = " posts changed";
  if (!starts_with(reason, kGrid)) return std::nullopt;
  const auto end = reason.find(kChanged);
  if (end == std::string_view::npos || end <= kGrid.size()) return std::nullopt;
  return reason.substr(kGrid.size(), end - kGrid.size());
}

namespace {

constexpr std::int64_t kBatch = 10'000;  // events read at a time: the memory stays small

// The type names as a chain of OR (a constant IN list of three or more builds a b-tree).
std::string any_type(std::initializer_list<EventType> types) {
  std::string sql;
  for (auto t : types) sql += (sql.empty() ? "type = '" : " OR type = '") + std::string(to_string(t)) + "'";
  return sql;
}

Status check_types(Connection& db) {
  std::string known;
  for (auto t : kEventTypes) known += (known.empty() ? "type = '" : " OR type = '") + std::string(to_string(t)) + "'";
  auto q = db.query("SELECT seq, type FROM case_events WHERE NOT (" + known + ") LIMIT 1");
  if (!q) return q.error();
  if (q->next())
    return storage_error("case event " + std::to_string(q->int64(0)) + " has the type '" + q->text(1) +
                         "', which this gridkeeper does not know");
  return q->status();
}

// Events whose words hold their data, read and updated a batch at a time by seq.
Status type_from_words(Connection& db) {
  const std::string select = "SELECT seq, type, from_state, note, reason FROM case_events WHERE seq > ?1 AND (" +
                             any_type({EventType::warned, EventType::escalated, EventType::reminded, EventType::rated,
                                       EventType::resume, EventType::reopen}) +
                             " OR (type = 'created' AND note <> '')) ORDER BY seq LIMIT " + std::to_string(kBatch);
  auto update = db.prepare(
      "UPDATE case_events SET deadline = ?2, urgency_from = ?3, urgency_to = ?4, tier_from = ?5, tier_to = ?6, "
      "score = ?7, paused_ms = ?8, rework = ?9 WHERE seq = ?1");
  if (!update) return update.error();
  std::int64_t after = 0;
  while (true) {
    std::vector<CaseEvent> batch;
    {
      auto q = db.query(select);
      if (!q) return q.error();
      q->bind(1, after);
      while (q->next()) {
        CaseEvent& e = batch.emplace_back();
        e.seq = q->int64(0);
        e.type = event_type_from(q->text(1)).value_or(EventType::note);
        e.from_state = case_state_from(q->text(2)).value_or(CaseState::reported);
        e.note = q->text(3);
        e.reason = q->text(4);
      }
      if (auto e = q->status()) return e;
    }
    if (batch.empty()) return std::nullopt;
    for (auto& e : batch) {
      read_typed_fields(e);
      auto u = update->use();
      u.bind(1, e.seq);
      for (auto [index, name] : {std::pair{2, e.deadline ? to_string(*e.deadline) : std::string_view()},
                                 {3, e.urgency_from ? to_string(*e.urgency_from) : std::string_view()},
                                 {4, e.urgency_to ? to_string(*e.urgency_to) : std::string_view()},
                                 {5, e.tier_from ? to_string(*e.tier_from) : std::string_view()},
                                 {6, e.tier_to ? to_string(*e.tier_to) : std::string_view()}})
        if (name.empty()) u.bind_null(index);
        else u.bind_borrowed(index, name);
      u.bind(7, e.score ? std::optional<std::int64_t>(*e.score) : std::nullopt)
          .bind(8, e.paused_ms)
          .bind(9, e.rework ? std::optional<std::int64_t>(*e.rework) : std::nullopt);
      if (auto err = u.run()) return err;
    }
    after = batch.back().seq;
  }
}

// Handovers: the grid's posts before and after, from the audit line written with them.
Status type_handovers(Connection& db) {
  struct Handover {
    std::int64_t seq, at;
    std::string grid;
  };
  std::vector<Handover> handovers;
  {
    auto q = db.query("SELECT seq, at, reason FROM case_events WHERE type = 'handover' ORDER BY seq");
    if (!q) return q.error();
    while (q->next()) {
      const std::string reason = q->text(2);
      if (auto grid = handover_grid(reason)) handovers.push_back({q->int64(0), q->int64(1), std::string(*grid)});
    }
    if (auto e = q->status()) return e;
  }
  for (const auto& h : handovers) {
    std::optional<PostChange> posts;
    {
      auto q = db.query(
          "SELECT detail FROM audit WHERE subject = ?1 AND kind = 'grid_posts' AND at = ?2 ORDER BY seq DESC LIMIT 1");
      if (!q) return q.error();
      q->bind(1, h.grid).bind(2, h.at);
      if (q->next()) posts = read_posts(q->text(0));
      if (auto e = q->status()) return e;
    }
    if (!posts) continue;
    auto u = db.query(
        "UPDATE case_events SET owner_from = ?2, owner_to = ?3, backup_from = ?4, backup_to = ?5 WHERE seq = ?1");
    if (!u) return u.error();
    u->bind(1, h.seq)
        .bind_code(2, posts->owner_from)
        .bind_code(3, posts->owner_to)
        .bind_code(4, posts->backup_from)
        .bind_code(5, posts->backup_to);
    if (auto e = u->run()) return e;
  }
  return std::nullopt;
}

}  // namespace

Status type_old_events(Connection& db) {
  if (auto e = check_types(db)) return e;
  if (auto e = db.exec("DROP TRIGGER case_events_no_update")) return e;
  if (auto e = type_from_words(db)) return e;
  if (auto e = type_handovers(db)) return e;
  // Who a case was taken from: the assignee of the case's event before, when a
  // dispatch, re-dispatch, return or handover changed hands.
  if (auto e = db.exec(
          "UPDATE case_events SET assignee_from = prior.assignee FROM "
          "(SELECT seq, lag(assignee) OVER (PARTITION BY case_id ORDER BY seq) AS assignee FROM case_events) AS prior "
          "WHERE case_events.seq = prior.seq AND prior.assignee IS NOT NULL AND prior.assignee <> '' "
          "AND prior.assignee IS NOT case_events.assignee AND (" +
          any_type({EventType::register_case, EventType::reassign, EventType::return_case, EventType::handover}) + ")"))
    return e;
  // As step 1 made it.
  return db.exec(
      "CREATE TRIGGER case_events_no_update BEFORE UPDATE ON case_events\n"
      "BEGIN SELECT RAISE(ABORT, 'case events are append-only'); END;");
}

}  // namespace gridkeeper::data::legacy
