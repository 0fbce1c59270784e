#include "geo/grid_index.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <stdexcept>

namespace gridkeeper::geo {

namespace {
constexpr double kFixedPerDegree = 1e7;  // 1e-7 degree, about 1.1 cm
constexpr double kMargin = 2.0;          // fixed units around each edge when rasterising
constexpr std::int64_t kMaxCells = std::int64_t{1} << 26;

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

void GridIndex::build_raster() {
  const std::size_t n = codes_.size();
  cells_.clear();
  cell_items_.clear();
  if (n == 0 || extent_.empty()) return;
  const double x0 = extent_.min_lon * kFixedPerDegree - 4 * kMargin;
  const double y0 = extent_.min_lat * kFixedPerDegree - 4 * kMargin;
  const double w = extent_.max_lon * kFixedPerDegree + 4 * kMargin - x0;
  const double h = extent_.max_lat * kFixedPerDegree + 4 * kMargin - y0;
  double target = std::max(1.0, options_.cells_per_grid * static_cast<double>(n));
  target = std::min(target, static_cast<double>(kMaxCells) / 2);
  double size = std::sqrt(w * h / target);
  size = std::max(size, 16.0);
  cell_x0_ = x0;
  cell_y0_ = y0;
  cell_size_ = size;
  inv_cell_size_ = 1.0 / size;
  nx_ = std::max<std::int64_t>(1, static_cast<std::int64_t>(std::ceil(w / size)));
  ny_ = std::max<std::int64_t>(1, static_cast<std::int64_t>(std::ceil(h / size)));

  // Per grid: mark the cells its edges touch (candidates, tested against the grid's slab
  // of the cell's row), then test the centre of each untouched cell of its bounding box:
  // inside means the whole cell is inside.
  std::vector<std::uint32_t> count(static_cast<std::size_t>(nx_ * ny_) + 1, 0);
  std::vector<std::pair<std::uint32_t, std::uint32_t>> items;  // (cell, slab or grid | kFull)
  std::vector<std::uint8_t> mark;
  std::vector<std::vector<std::uint32_t>> row_edges;  // per row of the grid's box: its edges
  slabs_.clear();
  runs_.clear();
  // Cells cover about cells_per_grid each grid, plus the edge cells grids share; untouched
  // reserve costs no memory.
  items.reserve(static_cast<std::size_t>(nx_ * ny_) * 3 / 2);
  auto floor_int = [](double v) {  // std::floor is a library call on baseline x86-64
    const auto i = static_cast<std::int64_t>(v);
    return i - (v < static_cast<double>(i));
  };
  auto col = [&](double x) { return std::clamp<std::int64_t>(floor_int((x - x0) / size), 0, nx_ - 1); };
  auto row = [&](double y) { return std::clamp<std::int64_t>(floor_int((y - y0) / size), 0, ny_ - 1); };
  for (std::uint32_t g = 0; g < n; ++g) {
    // The cell range comes from the rounded vertices of every ring, the very values the
    // edges below are marked from, so no mark falls outside it.
    const Fixed* vb = vertices_.data() + ring_start_[grid_ring_start_[g]];
    const Fixed* ve = vertices_.data() + ring_start_[grid_ring_start_[g + 1]];
    if (vb == ve) continue;
    std::int32_t fx0 = vb->x, fx1 = vb->x, fy0 = vb->y, fy1 = vb->y;
    for (const Fixed* v = vb; v < ve; ++v) {
      fx0 = std::min(fx0, v->x);
      fx1 = std::max(fx1, v->x);
      fy0 = std::min(fy0, v->y);
      fy1 = std::max(fy1, v->y);
    }
    const std::int64_t cx0 = col(fx0 - kMargin), cx1 = col(fx1 + kMargin);
    const std::int64_t cy0 = row(fy0 - kMargin), cy1 = row(fy1 + kMargin);
    const std::int64_t bw = cx1 - cx0 + 1, bh = cy1 - cy0 + 1;
    mark.assign(static_cast<std::size_t>(bw * bh), 0);
    if (row_edges.size() < static_cast<std::size_t>(bh)) row_edges.resize(static_cast<std::size_t>(bh));
    for (std::int64_t j = 0; j < bh; ++j) row_edges[static_cast<std::size_t>(j)].clear();
    for (std::uint32_t r = grid_ring_start_[g]; r < grid_ring_start_[g + 1]; ++r) {
      for (std::uint32_t v = ring_start_[r]; v + 1 < ring_start_[r + 1]; ++v) {
        const double ax = vertices_[v].x, ay = vertices_[v].y, bx = vertices_[v + 1].x, by = vertices_[v + 1].y;
        const std::int64_t r0 = row(std::min(ay, by) - kMargin), r1 = row(std::max(ay, by) + kMargin);
        for (std::int64_t j = r0; j <= r1; ++j) {
          // Every row a point with y in the edge's y-range can fall in (the margin covers
          // rounding in the row of a point) lists the edge.
          row_edges[static_cast<std::size_t>(j - cy0)].push_back(v);
          // x-range of the segment within this row's y-slab (widened by the margin).
          const double sy0 = y0 + static_cast<double>(j) * size - kMargin;
          const double sy1 = sy0 + size + 2 * kMargin;
          double lo = std::min(ax, bx), hi = std::max(ax, bx);
          if (ay != by) {
            double t0 = (sy0 - ay) / (by - ay), t1 = (sy1 - ay) / (by - ay);
            if (t0 > t1) std::swap(t0, t1);
            t0 = std::max(t0, 0.0);
            t1 = std::min(t1, 1.0);
            if (t0 > t1) continue;
            const double xa = ax + t0 * (bx - ax), xb = ax + t1 * (bx - ax);
            lo = std::min(xa, xb);
            hi = std::max(xa, xb);
          }
          const std::int64_t c0 = col(lo - kMargin), c1 = col(hi + kMargin);
          for (std::int64_t i = c0; i <= c1; ++i) mark[static_cast<std::size_t>((j - cy0) * bw + (i - cx0))] = 1;
        }
      }
    }
    // One slab per row of the box: the grid's edges that reach the row, as runs of
    // consecutive edges (a ring crosses a row in a few stretches).
    const std::size_t first_slab = slabs_.size();
    if (first_slab + static_cast<std::size_t>(bh) >= kFull) throw std::length_error("too many grids for one index");
    for (std::int64_t j = 0; j < bh; ++j) {
      slabs_.push_back({g, static_cast<std::uint32_t>(runs_.size())});
      const auto& edges = row_edges[static_cast<std::size_t>(j)];
      for (std::size_t k = 0; k < edges.size(); ++k) {
        if (k > 0 && edges[k] == runs_.back().end) ++runs_.back().end;
        else runs_.push_back({edges[k], edges[k] + 1});
      }
    }
    slabs_.push_back({static_cast<std::uint32_t>(n), static_cast<std::uint32_t>(runs_.size())});  // end, for now
    for (std::int64_t j = cy0; j <= cy1; ++j) {
      const auto slab = static_cast<std::uint32_t>(first_slab + static_cast<std::size_t>(j - cy0));
      // Neighbouring untouched cells of a row are on the same side (no edge comes near
      // either), so one centre test serves a whole run of them.
      int side = -1;
      for (std::int64_t i = cx0; i <= cx1; ++i) {
        const auto cell = static_cast<std::uint32_t>(j * nx_ + i);
        if (mark[static_cast<std::size_t>((j - cy0) * bw + (i - cx0))]) {
          items.emplace_back(cell, slab);
          ++count[cell];
          side = -1;
          continue;
        }
        if (side < 0) {
          const Fixed centre{static_cast<std::int32_t>(std::llround(x0 + (static_cast<double>(i) + 0.5) * size)),
                             static_cast<std::int32_t>(std::llround(y0 + (static_cast<double>(j) + 0.5) * size))};
          side = inside_slab(slab, centre) ? 1 : 0;
        }
        if (side) {
          items.emplace_back(cell, g | kFull);
          ++count[cell];
        }
      }
    }
    slabs_.pop_back();
  }
  slabs_.push_back({static_cast<std::uint32_t>(n), static_cast<std::uint32_t>(runs_.size())});  // end of the last slab
  slabs_.shrink_to_fit();
  runs_.shrink_to_fit();
  // Bucket by cell (counting sort keeps grid order inside a cell), then lay out: a cell
  // wholly inside one grid and touched by no other holds that grid itself, so most
  // routes read one word; other cells point to their list of items.
  std::vector<std::uint32_t> start(count.size(), 0);
  std::uint32_t sum = 0;
  for (std::size_t c = 0; c + 1 < count.size(); ++c) {
    start[c] = sum;
    sum += count[c];
  }
  start.back() = sum;
  std::vector<std::uint32_t> sorted(sum);
  {
    std::vector<std::uint32_t> fill(start.begin(), start.end() - 1);
    for (const auto& [cell, item] : items) sorted[fill[cell]++] = item;
  }
  std::vector<std::pair<std::uint32_t, std::uint32_t>>().swap(items);
  cells_.assign(count.size() - 1, kEmpty);
  cell_items_.clear();
  for (std::size_t c = 0; c < cells_.size(); ++c) {
    const std::uint32_t b = start[c], e = start[c + 1];
    if (b == e) continue;
    if (e - b == 1 && (sorted[b] & kFull)) {
      cells_[c] = sorted[b];
      continue;
    }
    if (cell_items_.size() >= kFull) throw std::length_error("raster too large for one index");
    cells_[c] = static_cast<std::uint32_t>(cell_items_.size());
    cell_items_.insert(cell_items_.end(), sorted.begin() + b, sorted.begin() + e);
    cell_items_.push_back(kEmpty);
  }
  cell_items_.shrink_to_fit();
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

Route GridIndex::route(Point p) const {
  if (!valid_lon_lat(p)) return {};
  const Fixed q{to_fixed(p.lon), to_fixed(p.lat)};
  const double fx = (q.x - cell_x0_) * inv_cell_size_, fy = (q.y - cell_y0_) * inv_cell_size_;
  if (fx >= 0 && fy >= 0 && fx < static_cast<double>(nx_) && fy < static_cast<double>(ny_)) {
    const auto cell = static_cast<std::size_t>(static_cast<std::int64_t>(fy) * nx_ + static_cast<std::int64_t>(fx));
    const std::uint32_t word = cells_[cell];
    if (word & kFull) {
      if (word != kEmpty) return {static_cast<std::int32_t>(word & ~kFull)};
    } else {
      for (const std::uint32_t* it = cell_items_.data() + word; *it != kEmpty; ++it) {
        const std::uint32_t item = *it;
        if (item & kFull) return {static_cast<std::int32_t>(item & ~kFull)};
        if (inside_slab(item, q)) return {static_cast<std::int32_t>(slabs_[item].grid)};
      }
    }
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
    if (p.lon < b.min_lon - 1e-6 || p.lon > b.max_lon + 1e-6 || p.lat < b.min_lat - 1e-6 || p.lat > b.max_lat + 1e-6) continue;
    if (inside(g, q)) out.push_back(g);
  }
  return out;
}

double GridIndex::distance_m(std::size_t i, Point p) const { return distance_fixed_m(static_cast<std::uint32_t>(i), p); }

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
  s.raster_bytes = vertices_.size() * sizeof(Fixed) + slabs_.size() * sizeof(Slab) + runs_.size() * sizeof(Run) +
                   (ring_start_.size() + grid_ring_start_.size() + cells_.size() + cell_items_.size()) *
                       sizeof(std::uint32_t);
  s.raster_build_s = raster_build_s_;
  s.reference_build_s = reference_build_s_;
  return s;
}

}  // namespace gridkeeper::geo
