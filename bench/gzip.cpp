// gzip levels on the kind of bodies the server compresses: time and size of each level on
// a GeoJSON of grids (8,000 polygons with wiggly shared borders, 7 decimals; about 4 MB
// with the defaults) and on a case CSV, whole and streamed (64 KiB chunks, a sync flush
// each), so that the level the server uses is chosen by measurement.
//   bench_gzip [--grids 8000] [--vertices 4] [--repeat 5]
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "web/compression.hpp"

using gridkeeper::web::gunzip;
using gridkeeper::web::gzip;
using gridkeeper::web::GzipStream;

namespace {

std::string fixed7(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.7f", v);
  return buf;
}

// A lattice of grids whose edges wiggle (the same wiggle on both sides of a shared edge),
// as the grids GeoJSON of a real city is.
std::string grids_geojson(int grids, int vertices_per_edge) {
  const int columns = static_cast<int>(std::ceil(std::sqrt(grids)));
  const double step = 0.4 / columns;
  auto wiggle = [](int a, int b, int k) {
    std::mt19937 rng(static_cast<unsigned>(a * 92821 + b * 68917 + k * 7));
    return (static_cast<double>(rng() % 20000) - 10000.0) * 1e-8;
  };
  std::string out = R"({"type":"FeatureCollection","features":[)";
  for (int g = 0; g < grids; ++g) {
    const int r = g / columns, c = g % columns;
    const double x0 = 118.2 + c * step, y0 = 24.5 + r * step;
    std::vector<std::pair<double, double>> ring;
    const int n = vertices_per_edge;
    for (int k = 0; k < n; ++k) ring.emplace_back(x0 + step * k / n, y0 + wiggle(r, c * 2, k));
    for (int k = 0; k < n; ++k) ring.emplace_back(x0 + step + wiggle(r * 2, c + 1, k), y0 + step * k / n);
    for (int k = n; k > 0; --k) ring.emplace_back(x0 + step * k / n, y0 + step + wiggle(r + 1, c * 2, k));
    for (int k = n; k > 0; --k) ring.emplace_back(x0 + wiggle(r * 2, c, k), y0 + step * k / n);
    ring.push_back(ring.front());
    if (g) out += ',';
    out += R"({"type":"Feature","properties":{"code":"350213)" + std::to_string(100000 + g) + R"(","name":"网格)" +
           std::to_string(g) + R"(","community":"350213)" + std::to_string(1000 + g / 6) + R"(","population":)" +
           std::to_string(1000 + g * 37 % 1000) + R"(},"geometry":{"type":"Polygon","coordinates":[[)";
    for (std::size_t i = 0; i < ring.size(); ++i) {
      if (i) out += ',';
      out += "[" + fixed7(ring[i].first) + "," + fixed7(ring[i].second) + "]";
    }
    out += "]]}}";
  }
  out += "]}";
  return out;
}

std::string cases_csv(std::size_t bytes) {
  std::mt19937 rng(5);
  std::string out = "id,state,urgency,category,grid,created_at,accepted_at,resolved_at,overdue,lon,lat\r\n";
  for (int i = 1; out.size() < bytes; ++i)
    out += std::to_string(i) + (rng() % 3 ? ",closed,yellow,environment,G" : ",resolved,red,roads,G") +
           std::to_string(rng() % 8000) + ",2026-03-0" + std::to_string(1 + rng() % 9) +
           " 08:" + std::to_string(10 + rng() % 50) + ":00,2026-03-01 09:00:00,," + (rng() % 7 ? "false" : "true") +
           "," + fixed7(118.2 + (rng() % 400000) * 1e-6) + "," + fixed7(24.5 + (rng() % 400000) * 1e-6) + "\r\n";
  return out;
}

double seconds_since(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}

void measure(const char* what, const std::string& body, int repeat) {
  std::printf("%s: %.2f MB\n", what, body.size() / 1e6);
  std::printf("  level   size (KB)   ratio   compress ms   MB/s   decompress ms\n");
  for (int level : {1, 2, 3, 4, 5, 6, 7, 8, 9}) {
    std::string packed;
    double best = 1e9;
    for (int i = 0; i < repeat; ++i) {
      const auto t = std::chrono::steady_clock::now();
      packed = gzip(body, level);
      best = std::min(best, seconds_since(t));
    }
    const auto t = std::chrono::steady_clock::now();
    bool ok = false;
    const auto back = gunzip(packed, &ok);
    const double inflate = seconds_since(t);
    if (!ok || back != body) {
      std::printf("  level %d: round trip FAILED\n", level);
      std::exit(1);
    }
    std::printf("  %5d   %9.1f   %5.3f   %11.1f   %4.0f   %13.1f\n", level, packed.size() / 1e3,
                static_cast<double>(packed.size()) / body.size(), best * 1e3, body.size() / 1e6 / best, inflate * 1e3);
  }
}

void measure_stream(const std::string& body, int level, int repeat) {
  constexpr std::size_t kChunk = 64 * 1024;
  std::string out;
  double best = 1e9;
  for (int i = 0; i < repeat; ++i) {
    out.clear();
    const auto t = std::chrono::steady_clock::now();
    GzipStream z(level);
    for (std::size_t at = 0; at < body.size(); at += kChunk) {
      z.write(std::string_view(body).substr(at, kChunk), out);
      z.flush(out);
    }
    z.finish(out);
    best = std::min(best, seconds_since(t));
  }
  std::printf("  streamed at level %d, a sync flush every 64 KiB: %.1f KB (%.3f), %.1f ms, %.0f MB/s\n", level,
              out.size() / 1e3, static_cast<double>(out.size()) / body.size(), best * 1e3, body.size() / 1e6 / best);
}

}  // namespace

int main(int argc, char** argv) {
  int grids = 8000, vertices = 4, repeat = 5;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (!std::strcmp(argv[i], "--grids")) grids = std::atoi(argv[i + 1]);
    else if (!std::strcmp(argv[i], "--vertices")) vertices = std::atoi(argv[i + 1]);
    else if (!std::strcmp(argv[i], "--repeat")) repeat = std::atoi(argv[i + 1]);
    else {
      std::fprintf(stderr, "usage: bench_gzip [--grids 8000] [--vertices 4] [--repeat 5]\n");
      return 2;
    }
  }
  const auto geojson = grids_geojson(grids, vertices);
  measure("grids GeoJSON", geojson, repeat);
  const auto csv = cases_csv(geojson.size());
  measure("case CSV", csv, repeat);
  for (int level : {1, 6}) measure_stream(csv, level, repeat);
  return 0;
}
