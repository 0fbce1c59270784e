#include "geo/grid_index.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <stdexcept>

#include "geo/grid_index_fixed.hpp"

namespace gridkeeper::geo {

namespace {
constexpr double kFixedPerDegree = fixed::kPerDegree;

bool valid_lon_lat(Point p) {
  return std::isfinite(p.lon) && std::isfinite(p.lat) && std::abs(p.lon) <= 180 && std::abs(p.lat) <= 90;
}

// Rounds half away from zero, exactly as llround, without the library call: the
// fraction x - trunc(x) is exact for |x| < 2^52. Callers pass valid_lon_lat values.
std::int32_t to_fixed(double degrees) {
  const double x = degrees * kFixedPerDegree;
  auto i = static_cast<std::int64_t>(x);
  const double frac = x - static_cast<double>(i);
  i += (frac >= 0.5) - (frac <= -0.5);
  return static_cast<std::int32_t>(i);
}
}  // namespace

GridIndex::~GridIndex() {
  if (tree_) GEOSSTRtree_destroy_r(geos::context(), tree_);
}

std::shared_ptr<const GridIndex> GridIndex::build(std::vector<GridShape> grids, const Options& options) {
  if (grids.size() >= (kEmpty & ~kFull)) throw std::length_error("too many grids for one index");
  std::shared_ptr<GridIndex> index(new GridIndex());
  index->options_ = options;
  index->codes_.reserve(grids.size());
  index->bboxes_.reserve(grids.size());
  index->grid_ring_start_.reserve(grids.size() + 1);
  index->ring_start_.push_back(0);
  for (const auto& g : grids) {
    index->codes_.push_back(g.code);
    const BBox b = bbox_of(g.shape);
    index->bboxes_.push_back(b);
    index->extent_.add(b);
    index->grid_ring_start_.push_back(static_cast<std::uint32_t>(index->ring_start_.size() - 1));
    for (const auto& poly : g.shape)
      for (const auto& ring : poly.rings) {
        for (const auto& p : ring) {
          if (!valid_lon_lat(p)) throw std::invalid_argument("grid " + g.code + " has a vertex outside lon/lat range");
          index->vertices_.push_back({to_fixed(p.lon), to_fixed(p.lat)});
        }
        index->ring_start_.push_back(static_cast<std::uint32_t>(index->vertices_.size()));
      }
  }
  index->grid_ring_start_.push_back(static_cast<std::uint32_t>(index->ring_start_.size() - 1));
  const auto t0 = std::chrono::steady_clock::now();
  index->build_raster();
  const auto t1 = std::chrono::steady_clock::now();
  index->build_reference(grids);
  const auto t2 = std::chrono::steady_clock::now();
  index->raster_build_s_ = std::chrono::duration<double>(t1 - t0).count();
  index->reference_build_s_ = std::chrono::duration<double>(t2 - t1).count();
  return index;
}

void GridIndex::build_reference(std::vector<GridShape>& grids) {
  auto* ctx = geos::context();
  geometries_.reserve(grids.size());
  prepared_.reserve(grids.size());
  tree_ = GEOSSTRtree_create_r(ctx, 10);
  for (std::size_t i = 0; i < grids.size(); ++i) {
    geometries_.push_back(geos::to_geos(grids[i].shape));
    MultiPolygon().swap(grids[i].shape);  // the raster and GEOS hold what is needed now
    if (!geometries_.back()) {
      prepared_.emplace_back();
      continue;
    }
    prepared_.push_back(geos::prepare(geometries_.back().get()));
    GEOSSTRtree_insert_r(ctx, tree_, geometries_.back().get(), reinterpret_cast<void*>(i));
    // Warm the lazily built point locator so concurrent readers never build it.
    const BBox& b = bboxes_[i];
    auto probe = geos::make_point((b.min_lon + b.max_lon) / 2, (b.min_lat + b.max_lat) / 2);
    (void)GEOSPreparedContains_r(ctx, prepared_.back().get(), probe.get());
    (void)GEOSPreparedIntersects_r(ctx, prepared_.back().get(), probe.get());
  }
  // The tree is built on its first query; do it now, before the snapshot is published.
  if (!extent_.empty()) (void)covering_reference({extent_.min_lon, extent_.min_lat});
}

namespace {
__extension__ typedef __int128 Wide;  // a GCC and Clang extension, exact for any int32 edge

// Whether edge a-b crosses the ray from q due east, with half-open edges (the lower end
// counts, the upper does not) and exact integer orientation: the answer is that of q
// moved an infinitesimal step east (then north), so shared edges and vertices go to
// exactly one side.
inline bool crosses(std::int64_t ax, std::int64_t ay, std::int64_t bx, std::int64_t by, std::int64_t qx,
                    std::int64_t qy) {
  if (ay > by) {
    std::swap(ax, bx);
    std::swap(ay, by);
  }
  if (qy < ay || qy >= by) return false;
  // The edge meets q's row at an x in [lo, hi]: wholly east or west of q needs no
  // product; otherwise the sign of the orientation decides.
  const std::int64_t lo = std::min(ax, bx), hi = std::max(ax, bx);
  if (qx >= hi) return false;
  if (qx < lo) return true;
  // Here |qx - ax| <= hi - lo and qy - ay < by - ay: with both spans under 2^31 each
  // product is under 2^62 and the difference is exact in 64 bits.
  const std::int64_t dx = bx - ax, dy = by - ay;
  if (hi - lo < (std::int64_t{1} << 31) && dy < (std::int64_t{1} << 31)) return dx * (qy - ay) - (qx - ax) * dy > 0;
  // Edges spanning more than 214 degrees.
  return static_cast<Wide>(dx) * (qy - ay) - static_cast<Wide>(qx - ax) * dy > 0;
}
}  // namespace

bool GridIndex::inside(std::uint32_t grid, Fixed q) const {
  // Crossing number over every ring of the grid.
  bool in = false;
  for (std::uint32_t r = grid_ring_start_[grid]; r < grid_ring_start_[grid + 1]; ++r) {
    const Fixed* v = vertices_.data() + ring_start_[r];
    const Fixed* end = vertices_.data() + ring_start_[r + 1] - 1;
    for (; v < end; ++v) in ^= crosses(v[0].x, v[0].y, v[1].x, v[1].y, q.x, q.y);
  }
  return in;
}

bool GridIndex::inside_slab(std::uint32_t slab, Fixed q) const {
  // The same crossing number over the edges that reach q's row: no other edge spans q.y.
  bool in = false;
  for (std::uint32_t k = slabs_[slab].first_run, e = slabs_[slab + 1].first_run; k < e; ++k) {
    const Fixed* v = vertices_.data() + runs_[k].begin;
    const Fixed* end = vertices_.data() + runs_[k].end;
    for (; v < end; ++v) in ^= crosses(v[0].x, v[0].y, v[1].x, v[1].y, q.x, q.y);
  }
  return in;
}

std::int32_t GridIndex::lowest(std::uint32_t found, Fixed q) const {
  // found: the raster's answer (the lowest of its grids holding q) or kEmpty. A grid of the
  // fallback tree numbered lower that holds q takes precedence.
  if (!fallback_.empty())
    fallback_.query({q.x, q.y, q.x, q.y}, [&](std::uint32_t g) {
      if (g < found && inside(g, q)) found = g;
    });
  return found == kEmpty ? -1 : static_cast<std::int32_t>(found);
}

Route GridIndex::route(Point p) const {
  if (!valid_lon_lat(p)) return {};
  const Fixed q{to_fixed(p.lon), to_fixed(p.lat)};
  const double fx = (q.x - cell_x0_) * inv_cell_size_, fy = (q.y - cell_y0_) * inv_cell_size_;
  if (fx >= 0 && fy >= 0 && fx < static_cast<double>(nx_) && fy < static_cast<double>(ny_)) {
    const auto cell = static_cast<std::size_t>(static_cast<std::int64_t>(fy) * nx_ + static_cast<std::int64_t>(fx));
    const std::uint32_t word = cells_[cell];
    // Without grids left to the tree (any tessellation) the raster's answer is final.
    const bool whole = fallback_.empty();
    if (word & kFull) {
      if (word != kEmpty) return {whole ? static_cast<std::int32_t>(word & ~kFull) : lowest(word & ~kFull, q)};
    } else {
      for (const std::uint32_t* it = cell_items_.data() + word; *it != kEmpty; ++it) {
        const std::uint32_t item = *it;
        if (item & kFull) return {whole ? static_cast<std::int32_t>(item & ~kFull) : lowest(item & ~kFull, q)};
        if (inside_slab(item, q))
          return {whole ? static_cast<std::int32_t>(slabs_[item].grid) : lowest(slabs_[item].grid, q)};
      }
    }
    if (!whole)
      if (const std::int32_t g = lowest(kEmpty, q); g >= 0) return {g};
  }
  return snap(p);
}

double GridIndex::distance_fixed_m(std::uint32_t grid, Point p) const {
  const double kx = kMetresPerDegree * std::cos(p.lat * kPi / 180.0) / kFixedPerDegree;
  const double ky = kMetresPerDegree / kFixedPerDegree;
  const double px = p.lon * kFixedPerDegree, py = p.lat * kFixedPerDegree;
  double best = std::numeric_limits<double>::infinity();
  for (std::uint32_t r = grid_ring_start_[grid]; r < grid_ring_start_[grid + 1]; ++r)
    for (std::uint32_t v = ring_start_[r]; v + 1 < ring_start_[r + 1]; ++v) {
      const double ax = (vertices_[v].x - px) * kx, ay = (vertices_[v].y - py) * ky;
      const double bx = (vertices_[v + 1].x - px) * kx, by = (vertices_[v + 1].y - py) * ky;
      const double dx = bx - ax, dy = by - ay;
      const double len2 = dx * dx + dy * dy;
      double t = len2 > 0 ? -(ax * dx + ay * dy) / len2 : 0;
      t = std::clamp(t, 0.0, 1.0);
      const double cx = ax + t * dx, cy = ay + t * dy;
      best = std::min(best, cx * cx + cy * cy);
    }
  return std::sqrt(best);
}

std::vector<std::uint32_t> GridIndex::containing(Point p) const {
  std::vector<std::uint32_t> out;
  if (!valid_lon_lat(p)) return out;
  const Fixed q{to_fixed(p.lon), to_fixed(p.lat)};
  for (std::uint32_t g = 0; g < codes_.size(); ++g) {
    const BBox& b = bboxes_[g];
    if (p.lon < b.min_lon - 1e-6 || p.lon > b.max_lon + 1e-6 || p.lat < b.min_lat - 1e-6 || p.lat > b.max_lat + 1e-6)
      continue;
    if (inside(g, q)) out.push_back(g);
  }
  return out;
}

double GridIndex::distance_m(std::size_t i, Point p) const {
  return distance_fixed_m(static_cast<std::uint32_t>(i), p);
}

Route GridIndex::snap(Point p) const {
  const double limit = options_.snap_distance_m;
  if (!(limit > 0) || codes_.empty()) return {};
  const double dlat = limit / kMetresPerDegree * kFixedPerDegree;
  const double coslat = std::max(std::cos(p.lat * kPi / 180.0), 1e-6);
  const double dlon = dlat / coslat;
  const double px = p.lon * kFixedPerDegree, py = p.lat * kFixedPerDegree;
  const double fx0 = (px - dlon - cell_x0_) * inv_cell_size_, fx1 = (px + dlon - cell_x0_) * inv_cell_size_;
  const double fy0 = (py - dlat - cell_y0_) * inv_cell_size_, fy1 = (py + dlat - cell_y0_) * inv_cell_size_;
  if (fx1 < 0 || fy1 < 0 || fx0 >= static_cast<double>(nx_) || fy0 >= static_cast<double>(ny_)) return {};
  const std::int64_t i0 = std::max<std::int64_t>(0, static_cast<std::int64_t>(fx0));
  const std::int64_t i1 = std::min<std::int64_t>(nx_ - 1, static_cast<std::int64_t>(fx1));
  const std::int64_t j0 = std::max<std::int64_t>(0, static_cast<std::int64_t>(fy0));
  const std::int64_t j1 = std::min<std::int64_t>(ny_ - 1, static_cast<std::int64_t>(fy1));
  Route best;
  double best_d = std::numeric_limits<double>::infinity();
  std::vector<std::uint32_t> seen;
  for (std::int64_t j = j0; j <= j1; ++j)
    for (std::int64_t i = i0; i <= i1; ++i) {
      const std::uint32_t word = cells_[static_cast<std::size_t>(j * nx_ + i)];
      if (word & kFull) continue;  // a grid's nearest boundary lies in one of its edge cells
      for (const std::uint32_t* it = cell_items_.data() + word; *it != kEmpty; ++it) {
        if (*it & kFull) continue;
        const std::uint32_t g = slabs_[*it].grid;
        if (std::find(seen.begin(), seen.end(), g) != seen.end()) continue;
        seen.push_back(g);
        const double d = distance_fixed_m(g, p);
        if (d < best_d || (d == best_d && static_cast<std::int32_t>(g) < best.grid)) {
          best_d = d;
          best.grid = static_cast<std::int32_t>(g);
        }
      }
    }
  // Grids left out of the raster: those whose box comes within the window.
  auto clamp32 = [](double v) { return static_cast<std::int32_t>(std::clamp(v, -2147483648.0, 2147483647.0)); };
  fallback_.query({clamp32(std::floor(px - dlon)), clamp32(std::floor(py - dlat)), clamp32(std::ceil(px + dlon)),
                   clamp32(std::ceil(py + dlat))},
                  [&](std::uint32_t g) {
                    const double d = distance_fixed_m(g, p);
                    if (d < best_d || (d == best_d && static_cast<std::int32_t>(g) < best.grid)) {
                      best_d = d;
                      best.grid = static_cast<std::int32_t>(g);
                    }
                  });
  if (best.grid < 0 || best_d > limit) return {};
  best.snapped = true;
  best.distance_m = best_d;
  return best;
}

std::vector<std::uint32_t> GridIndex::covering_reference(Point p) const {
  std::vector<std::uint32_t> hits;
  if (!tree_) return hits;
  auto* ctx = geos::context();
  auto pt = geos::make_point(p.lon, p.lat);
  struct Query {
    const GridIndex* self;
    const GEOSGeometry* point;
    GEOSContextHandle_t ctx;
    std::vector<std::uint32_t>* hits;
  } q{this, pt.get(), ctx, &hits};
  GEOSSTRtree_query_r(
      ctx, tree_, pt.get(),
      [](void* item, void* data) {
        auto* q = static_cast<Query*>(data);
        const auto i = static_cast<std::uint32_t>(reinterpret_cast<std::uintptr_t>(item));
        if (q->self->prepared_[i] && GEOSPreparedIntersects_r(q->ctx, q->self->prepared_[i].get(), q->point) == 1)
          q->hits->push_back(i);
      },
      &q);
  std::sort(hits.begin(), hits.end());
  return hits;
}

bool GridIndex::contains_reference(std::size_t i, Point p) const {
  if (i >= prepared_.size() || !prepared_[i]) return false;
  auto pt = geos::make_point(p.lon, p.lat);
  return GEOSPreparedContains_r(geos::context(), prepared_[i].get(), pt.get()) == 1;
}

GridIndex::Stats GridIndex::stats() const {
  Stats s;
  s.cells = cells_.size();
  for (const std::uint32_t word : cells_)
    if ((word & kFull) && word != kEmpty) ++s.full_cells;
  s.cell_items = s.full_cells + cell_items_.size() -
                 static_cast<std::size_t>(std::count(cell_items_.begin(), cell_items_.end(), kEmpty));
  s.vertices = vertices_.size();
  s.slabs = slabs_.size();
  s.runs = runs_.size();
  s.budget = budget_;
  s.fallback_grids = fallback_.size();
  s.raster_bytes =
      vertices_.size() * sizeof(Fixed) + slabs_.size() * sizeof(Slab) + runs_.size() * sizeof(Run) +
      (ring_start_.size() + grid_ring_start_.size() + cells_.size() + cell_items_.size()) * sizeof(std::uint32_t) +
      fallback_.bytes();
  s.raster_build_s = raster_build_s_;
  s.reference_build_s = reference_build_s_;
  return s;
}

}  // namespace gridkeeper::geo
