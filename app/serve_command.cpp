// gridkeeper serve --db PATH|postgresql://… [--listen 127.0.0.1:8080] [--threads N] [--ui DIR] [--calendars DIR]
//                  [--metrics-listen ADDRESS:PORT] [--manual-clock]
#include <algorithm>
#include <atomic>
#include <charconv>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <mutex>

#include <boost/json.hpp>

#include "app/cli.hpp"
#include "app/memory_trim.hpp"
#include "app/serve.hpp"
#include "data/accounts_store.hpp"
#include "data/addresses_store.hpp"
#include "data/generations_store.hpp"
#include "data/pg_lease.hpp"
#include "data/pg_ledger.hpp"
#include "data/pg_schema.hpp"
#include "data/reports_store.hpp"
#include "data/sqlite_ledger.hpp"
#include "dispatch/center.hpp"
#include "dispatch/escalation_clock.hpp"
#include "web/address_book_slot.hpp"
#include "web/server.hpp"
#include "web/standby_server.hpp"

#ifndef GRIDKEEPER_DEFAULT_UI_DIR
#define GRIDKEEPER_DEFAULT_UI_DIR ""
#endif

namespace gridkeeper::app {

namespace {
// Where the build puts the browser UI; used when --ui is not given and it exists.
constexpr const char* kDefaultUiDir = GRIDKEEPER_DEFAULT_UI_DIR;

struct Listen {
  std::string address;
  unsigned short port = 0;
};

Listen parse_listen(const std::string& text, const std::string& flag = "--listen") {
  const auto colon = text.rfind(':');
  if (colon == std::string::npos || colon + 1 == text.size())
    throw UsageError(flag + " must be ADDRESS:PORT, e.g. 127.0.0.1:8080");
  Listen l;
  l.address = text.substr(0, colon);
  if (l.address.size() >= 2 && l.address.front() == '[' && l.address.back() == ']')
    l.address = l.address.substr(1, l.address.size() - 2);  // [::1]:8080
  if (l.address.empty() || l.address == "localhost") l.address = "127.0.0.1";
  const auto port = text.substr(colon + 1);
  unsigned value = 0;
  auto [ptr, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
  if (ec != std::errc() || ptr != port.data() + port.size() || value > 65535)
    throw UsageError(flag + " has a bad port: " + port);
  l.port = static_cast<unsigned short>(value);
  return l;
}

// The working calendar for categories that count working time: the standard week plus
// every year file (holidays and 调休 working days) in `dir`.
std::shared_ptr<const dispatch::WorkingCalendar> load_calendars(const std::filesystem::path& dir) {
  auto calendar = std::make_shared<dispatch::WorkingCalendar>(dispatch::WorkingCalendar::standard());
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(dir))
    if (entry.is_regular_file() && entry.path().extension() == ".json") files.push_back(entry.path());
  std::sort(files.begin(), files.end());
  for (const auto& file : files) {
    constexpr std::uintmax_t kMaxFile = 1u << 20;
    if (std::filesystem::file_size(file) > kMaxFile) throw UsageError("calendar " + file.string() + " is too large");
    std::ifstream in(file, std::ios::binary);
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (auto e = calendar->load_year(text)) throw UsageError("calendar " + file.string() + ": " + e->message);
  }
  return calendar;
}

template <class Ledger>
std::string storage_metrics(const Ledger& ledger) {
  const auto s = ledger.stats();
  auto line = [](const char* name, const char* help, const char* type, unsigned long long v) {
    return std::string("# HELP ") + name + " " + help + "\n# TYPE " + name + " " + type + "\n" + name + " " +
           std::to_string(v) + "\n";
  };
  return line("gridkeeper_commit_groups_total", "Transactions committed by the storage writer.", "counter", s.groups) +
         line("gridkeeper_commit_changes_total", "Changes stored; divided by the groups, the mean commit batch size.",
              "counter", s.changes) +
         line("gridkeeper_commit_largest_group", "The largest number of changes committed in one transaction.", "gauge",
              s.largest_group) +
         line("gridkeeper_commit_failures_total", "Changes the database refused.", "counter", s.failed) +
         line("gridkeeper_commit_unavailable_total",
              "Groups the device refused (disk full, I/O error); their callers got 503.", "counter",
              s.unavailable_groups) +
         line("gridkeeper_writer_queued", "Writes waiting for the storage writer.", "gauge", s.queued);
}

}  // namespace

ServeOptions serve_options(const Args& args) {
  const auto listen = parse_listen(args.get("--listen").value_or("127.0.0.1:8080"));
  ServeOptions o;
  o.server.address = listen.address;
  o.server.port = listen.port;
  if (auto metrics = args.get("--metrics-listen")) {
    // A listener of its own for /metrics (and /healthz); the main one then serves no /metrics.
    const auto where = parse_listen(*metrics, "--metrics-listen");
    o.server.metrics_listener = true;
    o.server.metrics_address = where.address;
    o.server.metrics_port = where.port;
  }
  if (auto threads = args.get("--threads")) {
    unsigned n = 0;
    auto [ptr, ec] = std::from_chars(threads->data(), threads->data() + threads->size(), n);
    if (ec != std::errc() || ptr != threads->data() + threads->size() || n < 1 || n > 256)
      throw UsageError("--threads must be between 1 and 256");
    o.server.threads = n;
  }
  if (auto ui = args.get("--ui")) {
    if (!std::filesystem::is_directory(*ui)) throw UsageError("--ui " + *ui + " is not a directory");
    o.server.api.ui_dir = *ui;
  } else if (std::filesystem::is_regular_file(std::filesystem::path(kDefaultUiDir) / "index.html")) {
    o.server.api.ui_dir = kDefaultUiDir;  // the UI built with this binary
  }
  if (auto dir = args.get("--calendars")) {
    if (!std::filesystem::is_directory(*dir)) throw UsageError("--calendars " + *dir + " is not a directory");
    o.calendars = *dir;
  }
  if (auto file = args.get("--basemap")) o.server.api.basemap_geojson = load_basemap(*file);
  o.manual_clock = args.has("--manual-clock");
  return o;
}

std::string load_basemap(const std::string& path, const std::string& flag) {
  constexpr std::uintmax_t kMaxBytes = 16u << 20;
  std::error_code ec;
  const auto size = std::filesystem::file_size(path, ec);
  if (ec) throw UsageError(flag + " " + path + ": cannot read it");
  if (size > kMaxBytes) throw UsageError(flag + " " + path + " is larger than 16 MiB; simplify it");
  std::ifstream in(path, std::ios::binary);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  boost::system::error_code parse_error;
  const auto doc = boost::json::parse(text, parse_error);
  const auto* object = doc.if_object();
  const auto* type = object ? object->if_contains("type") : nullptr;
  if (parse_error || !type || !type->is_string() || type->as_string() != "FeatureCollection" ||
      !object->if_contains("features") || !object->at("features").is_array())
    throw UsageError(flag + " " + path + " is not a GeoJSON FeatureCollection");
  return text;
}

int run_serve(int argc, char** argv) {
  std::vector<std::string> flags{"--db"};
  flags.insert(flags.end(), kServeFlags.begin(), kServeFlags.end());
  Args args(argc, argv, 2, flags, kServeSwitches);
  if (!args.positionals().empty()) throw UsageError("serve takes no positional arguments");
  const std::string db = args.required("--db");
  auto options = serve_options(args);
  if (!data::pg::is_uri(db) && !std::filesystem::exists(db)) {
    std::cerr << "gridkeeper serve: no database at " << db << "; create it with gridkeeper import\n";
    return 1;
  }
  return serve_database("serve", db, std::move(options));
}

namespace {

template <class Db>
struct Stores;
template <>
struct Stores<data::Connection> {
  using Ledger = data::SqliteLedger;
};
template <>
struct Stores<data::pg::Connection> {
  using Ledger = data::PgLedger;
};

template <class T>
std::unique_ptr<T> opened(const std::string& command, dispatch::Result<std::unique_ptr<T>> r) {
  if (!r) {
    std::cerr << "gridkeeper " << command << ": " << r.error().message << "\n";
    return nullptr;
  }
  return std::move(*r);
}

// Serves the database at `db` with the stores of backend Db. `lease` (PostgreSQL) is held:
// when it is lost, this server stops serving at once (another may take over) and exits 3.
template <class Db>
int serve_on(const std::string& command, const std::string& db, ServeOptions serve, const ServeHooks& hooks,
             data::PgLease* lease, std::chrono::steady_clock::time_point since) {
  auto& options = serve.server;
  using Ledger = typename Stores<Db>::Ledger;
  typename Ledger::Options ledger_options;
  if constexpr (std::is_same_v<Ledger, data::PgLedger>) {
    if (lease) ledger_options.fence = lease->term();  // nothing stored once another server took over
  }
  auto ledger = opened(command, Ledger::open(db, ledger_options));
  if (!ledger) return 1;
  // The other stores write through the ledger's writer: one writer a database.
  auto accounts = opened(command, data::AccountsStore<Db>::open(db, ledger.get()));
  auto reports = opened(command, data::ReportsStore<Db>::open(db, ledger.get()));
  auto addresses = opened(command, data::AddressesStore<Db>::open(db, ledger.get()));
  auto generations = opened(command, data::GenerationsStore<Db>::open(db, ledger.get()));
  if (!accounts || !reports || !addresses || !generations) return 1;
  options.api.reports = reports.get();
  web::use_address_book(addresses.get());
  options.api.generations = generations.get();
  dispatch::Center::Options center_options;
  {
    const std::filesystem::path dir = serve.calendars ? std::filesystem::path(*serve.calendars)
                                                      : std::filesystem::path(GRIDKEEPER_DATA_DIR) / "calendars";
    if (std::filesystem::is_directory(dir)) center_options.calendar = load_calendars(dir);
  }
  // --manual-clock (tests only): time stands still from the start until an admin moves it
  // with POST /api/v1/test/clock.
  dispatch::SystemClock system_clock;
  dispatch::ManualClock manual_clock(system_clock.now());
  const dispatch::Clock& clock = serve.manual_clock ? static_cast<const dispatch::Clock&>(manual_clock) : system_clock;
  dispatch::Center center(*ledger, clock, center_options);
  center.start();  // the state of every open case, loaded from the database
  const auto loaded_ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - since).count();
  options.api.extra_metrics = [&ledger = *ledger] { return storage_metrics(ledger); };

  std::mutex escalation_mutex;
  dispatch::EscalationClock* escalation_loop = nullptr;  // set while it runs
  if (serve.manual_clock) {
    options.api.manual_clock = &manual_clock;
    options.api.clock_moved = [&] {
      std::lock_guard lock(escalation_mutex);
      if (escalation_loop) escalation_loop->wake();
    };
  }
  std::atomic<bool> lease_lost{false};
  {
    MemoryTrimmer trimmer;
    options.api.reports_done = [&trimmer] { trimmer.soon(); };
    if (lease) options.api.holds_lease = [lease] { return lease->role() == data::PgLease::Role::active; };
    web::Server server(center, *accounts, clock, options);
    // Declared after the server, so that it goes first: the lease's thread hears of no
    // server that is gone, whatever way this scope ends.
    struct Unhook {
      data::PgLease* lease;
      ~Unhook() {
        if (lease) lease->on_change({});
      }
    } unhook{lease};
    server.start();
    if (lease) {
      // Fencing: once the lease is lost another server may be active, so this one serves
      // nothing more (its escalation stops with it).
      lease->on_change([&](data::PgLease::Role role) {
        if (role == data::PgLease::Role::active) return;
        lease_lost = true;
        server.stop();
      });
      if (lease->role() != data::PgLease::Role::active) {
        lease_lost = true;
        server.stop();
      }
    }
    dispatch::EscalationClock escalation(center, clock);
    {
      std::lock_guard lock(escalation_mutex);
      escalation_loop = &escalation;
    }
    const auto index = center.grid_index();
    std::cout << "gridkeeper: serving " << data::pg::redacted(db) << " on http://" << options.address << ":"
              << server.port() << " (" << (index ? index->size() : 0) << " grids, " << center.open_case_count()
              << " open cases"
              << (options.api.ui_dir.empty() ? ", no browser UI" : ", browser UI from " + options.api.ui_dir)
              << (serve.manual_clock ? ", manual test clock" : "") << ")" << std::endl;
    if (lease) std::cout << "gridkeeper: active: holds the lease; state loaded in " << loaded_ms << " ms" << std::endl;
    if (options.metrics_listener)
      std::cout << "gridkeeper: metrics on http://" << options.metrics_address << ":" << server.metrics_port()
                << "/metrics" << std::endl;
    if (hooks.started) hooks.started(server.port());
    server.run();
    if (hooks.stopping) hooks.stopping();
    std::lock_guard lock(escalation_mutex);
    escalation_loop = nullptr;
  }
  // Everything queued is stored before the database closes.
  ledger->close();
  web::use_address_book(nullptr);
  if (lease && lease_lost) {
    std::cerr << "gridkeeper " << command << ": the lease on the database was lost (" << lease->last_error()
              << "); stopped serving, as another server may be active\n";
    return 3;
  }
  std::cout << "gridkeeper: stopped" << std::endl;
  return 0;
}

// PostgreSQL: stands by until this server holds the lease, then serves.
int serve_postgres(const std::string& command, const std::string& db, ServeOptions serve, const ServeHooks& hooks) {
  {
    // A database that cannot be reached is said at once. Its schema is made or migrated
    // only by the server that holds the lease (serve_on): never under an active one.
    auto reached = data::pg::Connection::open(db);
    if (!reached) {
      std::cerr << "gridkeeper " << command << ": " << reached.error().message << "\n";
      return 1;
    }
  }
  web::StandbyServer* standby_now = nullptr;
  std::mutex standby_mutex;
  data::PgLease lease(db, {}, [&](data::PgLease::Role) {
    std::lock_guard lock(standby_mutex);
    if (standby_now) standby_now->wake();
  });
  auto since = std::chrono::steady_clock::now();
  if (!lease.wait_active(std::chrono::seconds(3))) {
    web::StandbyServer standby({serve.server.address, serve.server.port, serve.server.handle_signals});
    standby.start();
    std::cout << "gridkeeper: standing by on http://" << serve.server.address << ":" << standby.port()
              << " (another server is active; taking over when it stops)" << std::endl;
    {
      std::lock_guard lock(standby_mutex);
      standby_now = &standby;
    }
    const bool signalled = standby.wait([&] { return lease.role() == data::PgLease::Role::active; });
    {
      std::lock_guard lock(standby_mutex);
      standby_now = nullptr;
    }
    serve.server.port = standby.port();  // the active server answers where the standby did
    standby.stop();
    if (signalled) {
      std::cout << "gridkeeper: stopped" << std::endl;
      return 0;
    }
    since = std::chrono::steady_clock::now();
    std::cout << "gridkeeper: took the lease; loading the state" << std::endl;
  }
  return serve_on<data::pg::Connection>(command, db, std::move(serve), hooks, &lease, since);
}

}  // namespace

int serve_database(const std::string& command, const std::string& db, ServeOptions serve, const ServeHooks& hooks) {
  if (data::pg::is_uri(db)) return serve_postgres(command, db, std::move(serve), hooks);
  return serve_on<data::Connection>(command, db, std::move(serve), hooks, nullptr, std::chrono::steady_clock::now());
}

}  // namespace gridkeeper::app
