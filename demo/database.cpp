#include "demo/database.hpp"

#include <cctype>
#include <chrono>
#include <filesystem>
#include <fstream>

#include "data/accounts_store.hpp"
#include "data/address_files.hpp"
#include "data/import.hpp"
#include "data/schema.hpp"
#include "data/sqlite_ledger.hpp"
#include "data/store_connections.hpp"
#include "demo/city_places.hpp"
#include "demo/history.hpp"
#include "dispatch/center.hpp"

namespace gridkeeper::demo {

using namespace dispatch;

namespace {

constexpr Millis kDay = 24LL * 3600 * 1000;

double seconds_since(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}

void remove_database(const std::string& path) {
  std::error_code ec;
  for (const char* suffix : {"", "-wal", "-shm", "-journal"}) std::filesystem::remove(path + suffix, ec);
}

// The demo's logins besides the workers': who they are and where they look.
struct RoleLogin {
  const char* username;
  Role role;
  const char* scope_suffix;  // under the district's code; nullptr: everything
};
constexpr RoleLogin kRoleLogins[] = {
    {"admin", Role::admin, nullptr},
    {"operator", Role::operator_, ""},            // 翔安区 command center
    {"street-operator", Role::operator_, "001"},  // 新店街道
    {"district-supervisor", Role::supervisor, ""},
    {"street-supervisor", Role::supervisor, "001"},
    {"community-supervisor", Role::supervisor, "001001"},  // 新店街道's first community
};

Result<std::int64_t> scalar(data::Connection& db, const std::string& sql) { return db.scalar(sql); }

std::string beside(const std::string& path, const std::string& suffix) {
  const std::filesystem::path p(path);
  return (p.parent_path() / (p.stem().string() + suffix)).string();
}

// The city's roads, estates and addresses, written beside the database.
std::optional<Error> write_places(const std::string& path, const DemoPlaces& places,
                                  const std::vector<DemoAddress>& addresses, DemoSummary& summary) {
  for (const auto& [file, text] : {std::pair{demo_addresses_path(path), demo_addresses_csv(addresses)},
                                   std::pair{demo_places_path(path), demo_places_geojson(places)}}) {
    std::ofstream out(file, std::ios::binary | std::ios::trunc);
    out << text;
    if (!out.flush()) return make_error(ErrorCode::storage_failed, "cannot write " + file);
  }
  summary.roads = places.roads.size();
  summary.estates = places.estates.size();
  return std::nullopt;
}

}  // namespace

std::string demo_addresses_path(const std::string& path) { return beside(path, "-addresses.csv"); }
std::string demo_places_path(const std::string& path) { return beside(path, "-places.geojson"); }

std::string demo_worker_username(const WorkerId& worker) {
  std::string s = worker;
  for (auto& ch : s) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  return s;
}

Result<DemoSummary> build_demo_database(const std::string& path, const DemoOptions& o) {
  const auto started = std::chrono::steady_clock::now();
  std::error_code ec;
  if (std::filesystem::exists(path, ec))
    return make_error(ErrorCode::conflict, path + " exists; the demo is built only where there is no database");
  if (!o.hash_password) return make_error(ErrorCode::invalid_value, "the demo needs a password hasher");
  const auto folder = std::filesystem::path(path).parent_path();
  if (!folder.empty() && !std::filesystem::is_directory(folder, ec))
    return make_error(ErrorCode::invalid_value,
                      "cannot build the demo at " + path + ": there is no directory " + folder.string());
  if (o.history_days < 1 || o.history_days > 30)
    return make_error(ErrorCode::invalid_value, "the history must last between 1 and 30 days");

  DemoSummary summary;
  auto city = demo_city(o.city);
  if (!city) return city.error();
  summary.city_seconds = seconds_since(started);

  const std::string part = path + ".part";
  remove_database(part);
  auto failed = [&](Error e) {
    remove_database(part);
    return e;
  };
  const Millis start = o.now - o.history_days * kDay;
  const Millis organised = start - 30 * kDay;  // the posts were handed out a month before

  auto imported = data::import_organisation(part, city->areas, city->workers, organised);
  if (!imported.ok) {
    std::string why = "the demo city could not be imported";
    for (const auto& p : imported.problems) why += "; " + p;
    return failed(make_error(ErrorCode::invalid_value, why));
  }
  // Standard addresses (标准地址): those of the city's estates and roads, routed to their
  // grids as an import would.
  const auto places = demo_places(*city, o.city.seed);
  const auto addresses = demo_addresses(*city, places);
  {
    std::vector<dispatch::AddressInput> rows;
    rows.reserve(addresses.size());
    for (const auto& a : addresses) rows.push_back({a.address, a.building, a.community, a.at.lon, a.at.lat});
    auto loaded = data::import_address_rows(part, rows, geo::Crs::wgs84, organised, "demo");
    if (!loaded) return failed(loaded.error());
    summary.addresses = loaded->load.added;
  }

  // Users: one hash for the one demo password, every worker a login.
  HistoryPeople people;
  User admin;
  {
    auto accounts = data::SqliteAccounts::open(part);
    if (!accounts) return failed(accounts.error());
    const std::string hash = o.hash_password(kDemoPassword);
    std::vector<User> users;
    for (const auto& r : kRoleLogins) {
      User u;
      u.username = r.username;
      u.role = r.role;
      u.scope = r.scope_suffix ? city->district + r.scope_suffix : std::string();
      u.password_hash = hash;
      users.push_back(std::move(u));
    }
    for (const auto& w : city->workers) {
      User u;
      u.username = demo_worker_username(w.worker.id);
      u.role = Role::worker;
      u.worker_id = w.worker.id;
      u.password_hash = hash;
      users.push_back(std::move(u));
    }
    auto added = (*accounts)->add_users(std::move(users));
    if (!added) return failed(added.error());
    for (const auto& u : *added) {
      if (u.username == "admin") admin = u;
      if (u.username == "operator") people.operator_ = u.actor();
      if (u.username == "district-supervisor") people.supervisor = u.actor();
      if (u.role == Role::worker) people.workers[u.worker_id] = u.actor();
    }
    summary.users = added->size();
  }

  // The history, through the real command center on a manual clock.
  const auto history_started = std::chrono::steady_clock::now();
  {
    auto ledger = data::SqliteLedger::open(part);
    if (!ledger) return failed(ledger.error());
    ManualClock clock(start - kDay);
    Center center(**ledger, clock);
    center.start();
    for (auto& c : demo_extra_categories()) {
      auto r = center.update_category_and_wait(c, admin.actor());
      if (!r) return failed(r.error());
    }
    HistoryOptions h;
    h.end = o.now;
    h.days = o.history_days;
    h.cases_per_day = o.cases_per_day;
    h.seed = o.city.seed * 7919 + 17;
    const auto outcome = play_history(center, clock, *city, people, h);
    summary.refused = outcome.refused;
    summary.first_refusal = outcome.first_refusal;
    (*ledger)->close();
  }
  summary.history_seconds = seconds_since(history_started);

  {
    auto db = data::open_for_writing(part);
    if (!db) return failed(db.error());
    auto count = [&](const std::string& sql) -> std::size_t {
      auto v = scalar(**db, sql);
      return v ? static_cast<std::size_t>(*v) : 0;
    };
    summary.cases = count("SELECT count(*) FROM cases");
    summary.open_cases = count("SELECT count(*) FROM cases WHERE state NOT IN ('closed', 'cancelled')");
    summary.warned = count("SELECT count(*) FROM cases WHERE warned AND state NOT IN ('closed', 'cancelled')");
    summary.overdue = count("SELECT count(*) FROM cases WHERE overdue AND state NOT IN ('closed', 'cancelled')");
    for (auto s : kCaseStates)
      summary.cases_by_state[std::string(to_string(s))] =
          count("SELECT count(*) FROM cases WHERE state = '" + std::string(to_string(s)) + "'");
    // One file: out of WAL mode, everything is in the database itself and nothing is left
    // in a -wal file when it moves. The server switches WAL on again when it opens it.
    if (auto e = (*db)->exec("PRAGMA journal_mode = DELETE")) return failed(*e);
  }
  if (auto e = write_places(path, places, addresses, summary)) return failed(*e);
  std::filesystem::rename(part, path, ec);
  if (ec)
    return failed(
        make_error(ErrorCode::storage_failed, "cannot move the demo into place at " + path + ": " + ec.message()));

  summary.streets = city->streets;
  summary.towns = city->towns;
  summary.communities = city->communities;
  summary.villages = city->villages;
  summary.grids = city->grids;
  summary.workers = city->workers.size();
  summary.population = city->population;
  summary.total_seconds = seconds_since(started);
  return summary;
}

namespace {
template <class Db>
Result<DemoLogins> logins_in(const std::string& path, const Db* backend) {
  auto db = data::open_reader(path, backend);
  if (!db) return db.error();
  DemoLogins out;
  auto q = (*db)->query(
      "SELECT u.username, u.role, u.scope, coalesce(j.name, ''), u.worker_id FROM users u "
      "LEFT JOIN jurisdictions j ON j.code = u.scope WHERE u.role <> 'worker' ORDER BY u.id");
  if (!q) return q.error();
  while (q->next()) {
    DemoLogin l;
    l.username = q->text(0);
    l.role = role_from(q->text(1)).value_or(Role::operator_);
    l.scope = q->text(2);
    l.scope_name = q->text(3);
    out.logins.push_back(std::move(l));
  }
  if (auto e = q->status()) return *e;
  // A few workers of the community supervisor's community, with the grid each owns.
  auto w = (*db)->query(
      "SELECT u.username, u.worker_id, w.name, coalesce(g.name, ''), coalesce(j.name, ''), w.community FROM users u "
      "JOIN workers w ON w.id = u.worker_id LEFT JOIN grids g ON g.owner = w.id "
      "LEFT JOIN jurisdictions j ON j.code = w.community WHERE u.role = 'worker' ORDER BY u.id LIMIT 3");
  if (!w) return w.error();
  while (w->next()) {
    DemoLogin l;
    l.username = w->text(0);
    l.role = Role::worker;
    l.worker_id = w->text(1);
    l.scope = w->text(5);
    l.scope_name = w->text(4);
    l.note = w->text(2) + (w->text(3).empty() ? "" : ", owner of " + w->text(4) + w->text(3));
    out.logins.push_back(std::move(l));
  }
  if (auto e = w->status()) return *e;
  auto n = (*db)->scalar("SELECT count(*) FROM users WHERE role = 'worker'");
  if (!n) return n.error();
  out.worker_logins = static_cast<std::size_t>(*n);
  return out;
}
}  // namespace

Result<DemoLogins> demo_logins(const std::string& path) {
  return data::with_backend(path, [&](auto* backend) { return logins_in(path, backend); });
}

}  // namespace gridkeeper::demo
