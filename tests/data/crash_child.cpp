// Started by the crash test: takes in cases as fast as it can and writes the id of each
// acknowledged case to stdout, one per line, until it is killed. DB is a SQLite file or a
// postgresql:// URI.
#include <unistd.h>

#include <atomic>
#include <condition_variable>
#include <cstdio>
#include <cstring>
#include <mutex>
#include <random>
#include <string>
#include <thread>

#include "data/pg_ledger.hpp"
#include "data/sqlite_ledger.hpp"
#include "dispatch/center.hpp"

using namespace gridkeeper;
using namespace gridkeeper::dispatch;

namespace {

template <class Ledger>
int run(Ledger& ledger) {
  SystemClock clock;
  Center center(ledger, clock);
  center.start();
  const Actor op{1, "op", Role::operator_, {}, {}};

  // Bounded in flight, so group commit has something to group.
  constexpr int kInFlight = 64;
  std::mutex mutex;
  std::condition_variable room;
  int in_flight = 0;
  std::mt19937 rng(static_cast<unsigned>(::getpid()));
  std::uniform_real_distribution<double> lon(118.3005, 118.3295), lat(24.6005, 24.6195);
  while (true) {
    {
      std::unique_lock lock(mutex);
      room.wait(lock, [&] { return in_flight < kInFlight; });
      ++in_flight;
    }
    IntakeRequest r;
    r.lon = lon(rng);
    r.lat = lat(rng);
    r.category = "environment";
    r.title = "乱堆乱放";
    center.intake(r, op, [&](Result<Case> c) {
      if (c) {
        // Straight to the pipe: the parent counts this case as acknowledged.
        char line[32];
        const int n = std::snprintf(line, sizeof line, "%lld\n", static_cast<long long>(c->id));
        if (::write(STDOUT_FILENO, line, static_cast<std::size_t>(n)) != n) std::_Exit(3);
      }
      std::lock_guard lock(mutex);
      --in_flight;
      room.notify_one();
    });
  }
}
}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: crash_child DB\n");
    return 2;
  }
  auto open = [](auto opened) -> int {
    if (!opened) {
      std::fprintf(stderr, "crash_child: %s\n", opened.error().message.c_str());
      return 1;
    }
    return run(**opened);
  };
  if (data::pg::is_uri(argv[1])) return open(data::PgLedger::open(argv[1]));
  return open(data::SqliteLedger::open(argv[1]));
}
