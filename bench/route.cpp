// bench_route: point -> grid routing on synthetic tessellated cities.
//
//   bench_route [--sizes 550,20000,200000] [--points 1000000] [--reference-points 200000]
//               [--check-points 20000] [--threads N] [--cells-per-grid X] [--seed S] [--repeat 3]
//   bench_route --sizes 20000 --write-geojson FILE [--write-points FILE --points N]
//
// For each city size: GridIndex::build time (raster and GEOS reference parts), resident
// memory, single-thread and all-core routing throughput on uniformly random points in the
// extent, and a plain GEOS loop (STRtree + prepared polygons) for comparison. The fast route
// is checked against GEOS on a sample of points, outside the timed loops.
// The write mode writes a city as GeoJSON and random "lon,lat" lines, to time
// `gridkeeper route` end to end.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <iterator>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <time.h>
#include <unistd.h>

#include "geo/grid_index.hpp"
#include "geo/tessellation.hpp"

using namespace gridkeeper::geo;

namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

// Resident set size in bytes, from /proc/self/status (0 where unavailable).
std::size_t resident_bytes() {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line))
    if (line.rfind("VmRSS:", 0) == 0) return std::strtoull(line.c_str() + 6, nullptr, 10) * 1024;
  return 0;
}

double thread_cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

// CPU time used by every process (from /proc/stat) and by this one (/proc/self/stat), in
// clock ticks: the difference over a timed section is what others took meanwhile.
struct CpuTicks {
  long long all = 0, self = 0;
};
CpuTicks cpu_ticks() {
  CpuTicks t;
  std::ifstream stat("/proc/stat");
  std::string cpu;
  long long user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0;
  if (stat >> cpu >> user >> nice >> system >> idle >> iowait >> irq >> softirq >> steal)
    t.all = user + nice + system + irq + softirq + steal;
  std::ifstream self("/proc/self/stat");
  std::string text((std::istreambuf_iterator<char>(self)), std::istreambuf_iterator<char>());
  // Fields after the command name, which may hold spaces: utime and stime are 14 and 15.
  std::istringstream rest(text.substr(text.rfind(')') + 2));
  std::string field;
  for (int k = 3; k <= 13 && rest >> field; ++k) {
  }
  long long utime = 0, stime = 0;
  if (rest >> utime >> stime) t.self = utime + stime;
  return t;
}

struct City {
  TessellationOptions options;
  std::size_t grids = 0;
};

// An about square city of at least n grids, each about 450 m across (corner jitter makes
// them 300-600 m), centred on Xiang'an.
City city(std::size_t n, std::uint64_t seed) {
  City c;
  const int cols = static_cast<int>(std::ceil(std::sqrt(static_cast<double>(n))));
  const int rows = static_cast<int>((n + static_cast<std::size_t>(cols) - 1) / static_cast<std::size_t>(cols));
  const double lat0 = 24.65, lon0 = 118.25, cell_m = 450;
  const double dlat = cell_m / kMetresPerDegree, dlon = dlat / std::cos(lat0 * kPi / 180);
  c.options.columns = cols;
  c.options.rows = rows;
  c.options.area = {lon0 - dlon * cols / 2, lat0 - dlat * rows / 2, lon0 + dlon * cols / 2, lat0 + dlat * rows / 2};
  c.options.seed = seed;
  c.options.min_vertices = 20;
  c.options.max_vertices = 60;
  c.grids = static_cast<std::size_t>(cols) * static_cast<std::size_t>(rows);
  return c;
}

std::vector<Point> random_points(const BBox& area, std::size_t n, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> lon(area.min_lon, area.max_lon), lat(area.min_lat, area.max_lat);
  std::vector<Point> pts(n);
  for (auto& p : pts) p = {lon(rng), lat(rng)};
  return pts;
}

// Routes pts[begin, end); the sum of grid numbers keeps the loop from being optimised away.
std::int64_t route_range(const GridIndex& index, const std::vector<Point>& pts, std::size_t begin, std::size_t end) {
  std::int64_t sum = 0;
  for (std::size_t i = begin; i < end; ++i) sum += index.route(pts[i]).grid;
  return sum;
}

struct Row {
  std::size_t grids = 0, vertices = 0;
  double build_s = 0, raster_s = 0, reference_s = 0;
  double rss_delta_mb = 0, rss_total_mb = 0, raster_mb = 0, full_share = 0;
  double st_rate = 0, mt_rate = 0, geos_rate = 0;              // per wall-clock second
  double st_cpu_rate = 0, mt_cpu_rate = 0, geos_cpu_rate = 0;  // per second of the threads' CPU time
  unsigned threads = 1;
  double others_cpus = 0;  // CPUs busy with other processes while the rates were timed
  std::size_t checked = 0, agreed = 0, sole = 0;
  std::int64_t sink = 0;
};

Row run(std::size_t n, int repeat, std::size_t points, std::size_t reference_points, std::size_t check_points,
        unsigned threads, const GridIndex::Options& options, std::uint64_t seed) {
  Row row;
  const City c = city(n, seed);
  auto cells = tessellate(c.options);
  row.grids = cells.size();
  for (const auto& g : cells) row.vertices += vertex_count(g.shape);

  const std::size_t rss0 = resident_bytes();
  const auto t0 = Clock::now();
  auto index = GridIndex::build(std::move(cells), options);
  row.build_s = seconds_since(t0);
  const std::size_t rss1 = resident_bytes();
  std::vector<GridShape>().swap(cells);
  const auto stats = index->stats();
  row.raster_s = stats.raster_build_s;
  row.reference_s = stats.reference_build_s;
  row.rss_delta_mb = (static_cast<double>(rss1) - static_cast<double>(rss0)) / (1 << 20);
  row.rss_total_mb = static_cast<double>(rss1) / (1 << 20);
  row.raster_mb = static_cast<double>(stats.raster_bytes) / (1 << 20);
  row.full_share = stats.cells ? static_cast<double>(stats.full_cells) / static_cast<double>(stats.cells) : 0;

  const BBox extent = index->extent();
  const auto pts = random_points(extent, points, seed * 7919 + 1);

  // Agreement with GEOS (not timed): the route must be one of the grids whose closed
  // polygon covers the point, and the very one where a single grid holds it strictly inside.
  const auto sample = random_points(extent, check_points, seed * 104729 + 3);
  for (const auto& p : sample) {
    const auto r = index->route(p);
    const auto covering = index->covering_reference(p);
    ++row.checked;
    if (!r.found() || r.snapped) continue;
    const auto g = static_cast<std::uint32_t>(r.grid);
    if (covering.size() == 1 && index->contains_reference(covering[0], p)) {
      ++row.sole;
      if (g == covering[0]) ++row.agreed;
    } else if (std::find(covering.begin(), covering.end(), g) != covering.end()) {
      ++row.agreed;
    }
  }

  // Each rate is the best of `repeat` runs, one core and all cores taking turns: shared
  // machines are noisy, and the best run is the one least disturbed by others. Rates are
  // taken both per second of wall-clock time and per second of the threads' own CPU time;
  // the latter does not count turns other processes take on the cores.
  row.threads = threads;
  const CpuTicks ticks0 = cpu_ticks();
  const auto timed0 = Clock::now();
  row.sink += route_range(*index, pts, 0, std::min<std::size_t>(pts.size(), 50000));  // warm caches
  const auto n_pts = static_cast<double>(pts.size());
  for (int rep = 0; rep < repeat; ++rep) {
    auto t = Clock::now();
    double cpu = thread_cpu_seconds();
    row.sink += route_range(*index, pts, 0, pts.size());
    row.st_rate = std::max(row.st_rate, n_pts / seconds_since(t));
    row.st_cpu_rate = std::max(row.st_cpu_rate, n_pts / (thread_cpu_seconds() - cpu));

    // All cores: each thread routes its share; timed from a common start to the last join.
    std::vector<std::thread> pool;
    std::vector<std::int64_t> sums(threads, 0);
    std::vector<double> rates(threads, 0);
    std::atomic<unsigned> ready{0};
    std::atomic<bool> go{false};
    for (unsigned k = 0; k < threads; ++k)
      pool.emplace_back([&, k] {
        const std::size_t begin = pts.size() * k / threads, end = pts.size() * (k + 1) / threads;
        ++ready;
        while (!go.load(std::memory_order_acquire)) std::this_thread::yield();
        const double c0 = thread_cpu_seconds();
        sums[k] = route_range(*index, pts, begin, end);
        rates[k] = static_cast<double>(end - begin) / (thread_cpu_seconds() - c0);
      });
    while (ready.load() < threads) std::this_thread::yield();
    t = Clock::now();
    go.store(true, std::memory_order_release);
    for (auto& th : pool) th.join();
    row.mt_rate = std::max(row.mt_rate, n_pts / seconds_since(t));
    double sum_rates = 0;
    for (unsigned k = 0; k < threads; ++k) {
      row.sink += sums[k];
      sum_rates += rates[k];
    }
    row.mt_cpu_rate = std::max(row.mt_cpu_rate, sum_rates);
  }

  // Plain GEOS loop on one core: STRtree query + prepared polygon test per point.
  const std::size_t m = std::min(reference_points, pts.size());
  std::size_t hits = 0;
  for (std::size_t i = 0; i < std::min<std::size_t>(m, 5000); ++i) hits += index->covering_reference(pts[i]).size();
  for (int rep = 0; rep < repeat && m > 0; ++rep) {
    const auto t = Clock::now();
    const double cpu = thread_cpu_seconds();
    for (std::size_t i = 0; i < m; ++i) hits += index->covering_reference(pts[i]).size();
    row.geos_rate = std::max(row.geos_rate, static_cast<double>(m) / seconds_since(t));
    row.geos_cpu_rate = std::max(row.geos_cpu_rate, static_cast<double>(m) / (thread_cpu_seconds() - cpu));
  }
  row.sink += static_cast<std::int64_t>(hits);
  const CpuTicks ticks1 = cpu_ticks();
  const double ticks_per_s = static_cast<double>(sysconf(_SC_CLK_TCK));
  row.others_cpus = static_cast<double>((ticks1.all - ticks0.all) - (ticks1.self - ticks0.self)) / ticks_per_s /
                    seconds_since(timed0);
  return row;
}

std::vector<std::size_t> parse_sizes(const std::string& s) {
  std::vector<std::size_t> out;
  std::stringstream in(s);
  std::string item;
  while (std::getline(in, item, ','))
    if (!item.empty()) out.push_back(std::stoull(item));
  return out;
}

void write_geojson(const std::string& path, const std::vector<GridShape>& cells) {
  std::FILE* f = std::fopen(path.c_str(), "w");
  if (!f) throw std::runtime_error("cannot write " + path);
  std::fputs("{\"type\":\"FeatureCollection\",\"features\":[\n", f);
  for (std::size_t i = 0; i < cells.size(); ++i) {
    std::fprintf(f, "%s{\"type\":\"Feature\",\"properties\":{\"code\":\"%s\",\"level\":\"grid\"},", i ? ",\n" : "",
                 cells[i].code.c_str());
    std::fputs("\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[", f);
    const auto& rings = cells[i].shape[0].rings;
    for (std::size_t r = 0; r < rings.size(); ++r) {
      std::fputs(r ? ",[" : "[", f);
      // Shared vertices are the same doubles in both neighbours, so they print the same.
      for (std::size_t k = 0; k < rings[r].size(); ++k)
        std::fprintf(f, "%s[%.9f,%.9f]", k ? "," : "", rings[r][k].lon, rings[r][k].lat);
      std::fputs("]", f);
    }
    std::fputs("]}}", f);
  }
  std::fputs("\n]}\n", f);
  if (std::fclose(f) != 0) throw std::runtime_error("cannot write " + path);
}

void write_points(const std::string& path, const std::vector<Point>& pts) {
  std::FILE* f = std::fopen(path.c_str(), "w");
  if (!f) throw std::runtime_error("cannot write " + path);
  for (const auto& p : pts) std::fprintf(f, "%.7f,%.7f\n", p.lon, p.lat);
  if (std::fclose(f) != 0) throw std::runtime_error("cannot write " + path);
}

[[noreturn]] void usage() {
  std::cerr << "usage: bench_route [--sizes N,N,...] [--points N] [--reference-points N] [--check-points N]\n"
               "                   [--threads N] [--cells-per-grid X] [--seed S] [--repeat R]\n"
               "       bench_route --sizes N --write-geojson FILE [--write-points FILE --points N]\n";
  std::exit(2);
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::size_t> sizes{550, 20000, 200000};
  std::size_t points = 1'000'000, reference_points = 200'000, check_points = 20'000;
  unsigned threads = std::max(1u, std::thread::hardware_concurrency());
  std::uint64_t seed = 1;
  int repeat = 3;
  GridIndex::Options options;
  std::string geojson_path, points_path;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (i + 1 >= argc) usage();
    const std::string v = argv[++i];
    if (a == "--sizes") sizes = parse_sizes(v);
    else if (a == "--points") points = std::stoull(v);
    else if (a == "--reference-points") reference_points = std::stoull(v);
    else if (a == "--check-points") check_points = std::stoull(v);
    else if (a == "--threads") threads = std::max(1u, static_cast<unsigned>(std::stoul(v)));
    else if (a == "--cells-per-grid") options.cells_per_grid = std::stod(v);
    else if (a == "--seed") seed = std::stoull(v);
    else if (a == "--repeat") repeat = std::max(1, std::stoi(v));
    else if (a == "--write-geojson") geojson_path = v;
    else if (a == "--write-points") points_path = v;
    else usage();
  }
  if (sizes.empty()) usage();

  if (!geojson_path.empty() || !points_path.empty()) {
    const City c = city(sizes.front(), seed);
    if (!geojson_path.empty()) {
      write_geojson(geojson_path, tessellate(c.options));
      std::cout << "wrote " << c.grids << " grids (" << c.options.columns << " x " << c.options.rows << ") to "
                << geojson_path << "\n";
    }
    if (!points_path.empty()) {
      write_points(points_path, random_points(c.options.area, points, seed * 7919 + 1));
      std::cout << "wrote " << points << " points to " << points_path << "\n";
    }
    return 0;
  }

  std::printf(
      "bench_route: %zu random points per size (best of %d runs), all-core = %u thread(s), "
      "GEOS loop on %zu points, cells_per_grid %g\n",
      points, repeat, threads, reference_points, options.cells_per_grid);
  std::vector<Row> rows;
  std::int64_t sink = 0;
  for (const std::size_t n : sizes) {
    std::fprintf(stderr, "  %zu grids...\n", n);
    rows.push_back(run(n, repeat, points, reference_points, check_points, threads, options, seed));
    sink += rows.back().sink;
  }

  std::printf("\nindex build and memory\n");
  std::printf("%8s %9s | %8s %8s %8s | %9s %7s | %9s %9s\n", "grids", "vertices", "build s", "raster s", "GEOS s",
              "raster MB", "full %", "RSS +MB", "RSS MB");
  for (const Row& r : rows)
    std::printf("%8zu %9zu | %8.3f %8.3f %8.3f | %9.1f %6.1f%% | %9.1f %9.1f\n", r.grids, r.vertices, r.build_s,
                r.raster_s, r.reference_s, r.raster_mb, 100 * r.full_share, r.rss_delta_mb, r.rss_total_mb);
  std::printf("\nrouting throughput, routes per second: of wall-clock time | of the routing threads' CPU time\n");
  std::printf("%8s | %11s %11s %6s | %11s %11s %6s | %11s %11s %8s | %6s | %s\n", "grids", "1 core", "all cores",
              "scale", "1 core", "all cores", "scale", "GEOS", "GEOS cpu", "vs GEOS", "others", "agrees with GEOS");
  for (const Row& r : rows)
    std::printf(
        "%8zu | %11.0f %11.0f %5.2fx | %11.0f %11.0f %5.2fx | %11.0f %11.0f %7.1fx | %6.2f | %zu / %zu (%zu "
        "strictly inside one grid)\n",
        r.grids, r.st_rate, r.mt_rate, r.mt_rate / r.st_rate, r.st_cpu_rate, r.mt_cpu_rate,
        r.mt_cpu_rate / r.st_cpu_rate, r.geos_rate, r.geos_cpu_rate, r.st_cpu_rate / r.geos_cpu_rate, r.others_cpus,
        r.agreed, r.checked, r.sole);
  std::printf(
      "\nbuild s = GridIndex::build (raster s + GEOS s: STRtree and warmed prepared polygons); "
      "full %% = cells inside one grid, answered at once;\n"
      "RSS +MB = resident memory added by the build (the input shapes it frees are reused), RSS MB = total;\n"
      "scale = all cores / 1 core; GEOS = STRtree query + prepared polygon test per point, one core;\n"
      "vs GEOS = 1-core CPU-time rates; CPU-time rates leave out turns other processes take on the cores;\n"
      "others = CPUs used by other processes while the rates were timed (near 0: wall-clock figures are clean).\n"
      "(checksum %lld)\n",
      static_cast<long long>(sink));
  return 0;
}
