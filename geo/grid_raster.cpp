// GridIndex's raster: cell sizing, the budget of cell entries and the grids left to the
// fallback tree, and the cells themselves.
#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "geo/grid_index.hpp"
#include "geo/grid_index_fixed.hpp"

namespace gridkeeper::geo {

using fixed::floor_int;
using fixed::kMargin;
using fixed::kMaxCells;
constexpr double kFixedPerDegree = fixed::kPerDegree;

void GridIndex::build_raster() {
  const std::size_t n = codes_.size();
  cells_.clear();
  cell_items_.clear();
  fallback_ = {};
  budget_ = 0;
  if (n == 0 || extent_.empty()) return;
  const double x0 = extent_.min_lon * kFixedPerDegree - 4 * kMargin;
  const double y0 = extent_.min_lat * kFixedPerDegree - 4 * kMargin;
  const double w = extent_.max_lon * kFixedPerDegree + 4 * kMargin - x0;
  const double h = extent_.max_lat * kFixedPerDegree + 4 * kMargin - y0;
  double target = std::max(1.0, options_.cells_per_grid * static_cast<double>(n));
  target = std::min(target, static_cast<double>(kMaxCells) / 2);
  double size = std::sqrt(w * h / target);
  // No more than `target` cells along either side, however flat the extent: then
  // nx * ny <= (w/size + 1) (h/size + 1) <= 3 target + 1.
  size = std::max({size, w / target, h / target, 16.0});
  cell_x0_ = x0;
  cell_y0_ = y0;
  cell_size_ = size;
  inv_cell_size_ = 1.0 / size;
  nx_ = std::max<std::int64_t>(1, static_cast<std::int64_t>(std::ceil(w / size)));
  ny_ = std::max<std::int64_t>(1, static_cast<std::int64_t>(std::ceil(h / size)));

  auto col = [&](double x) { return std::clamp<std::int64_t>(floor_int((x - x0) / size), 0, nx_ - 1); };
  auto row = [&](double y) { return std::clamp<std::int64_t>(floor_int((y - y0) / size), 0, ny_ - 1); };
  // The cell range of each grid comes from the rounded vertices of every ring, the very
  // values its edges are marked from, so no mark falls outside it.
  struct Range {
    std::int32_t fx0, fy0, fx1, fy1;
    std::int64_t cx0, cx1, cy0, cy1;
  };
  std::vector<Range> ranges(n);
  // What a grid may cost at most: a cell entry for every cell of its box, a slab per row
  // (and the end marker), a run per row each edge reaches. Grids are admitted cheapest
  // first (then by number) while the total stays within the budget, a fixed multiple of
  // the cells and the input's vertices; the rest go to the fallback tree. A tessellation
  // of compact grids costs a fraction of the budget; n grids piled on the same place cost
  // about n times the raster each, so only a few of them get cells.
  std::vector<std::pair<std::uint64_t, std::uint32_t>> cost;  // (cost, grid)
  cost.reserve(n);
  for (std::uint32_t g = 0; g < n; ++g) {
    const Fixed* vb = vertices_.data() + ring_start_[grid_ring_start_[g]];
    const Fixed* ve = vertices_.data() + ring_start_[grid_ring_start_[g + 1]];
    if (vb == ve) continue;
    Range& r = ranges[g];
    r.fx0 = r.fx1 = vb->x;
    r.fy0 = r.fy1 = vb->y;
    for (const Fixed* v = vb; v < ve; ++v) {
      r.fx0 = std::min(r.fx0, v->x);
      r.fx1 = std::max(r.fx1, v->x);
      r.fy0 = std::min(r.fy0, v->y);
      r.fy1 = std::max(r.fy1, v->y);
    }
    r.cx0 = col(r.fx0 - kMargin);
    r.cx1 = col(r.fx1 + kMargin);
    r.cy0 = row(r.fy0 - kMargin);
    r.cy1 = row(r.fy1 + kMargin);
    const auto bh = static_cast<std::uint64_t>(r.cy1 - r.cy0 + 1);
    std::uint64_t c = static_cast<std::uint64_t>(r.cx1 - r.cx0 + 1) * bh + bh + 1;
    for (std::uint32_t k = grid_ring_start_[g]; k < grid_ring_start_[g + 1]; ++k)
      for (std::uint32_t v = ring_start_[k]; v + 1 < ring_start_[k + 1]; ++v) {
        const double ay = vertices_[v].y, by = vertices_[v + 1].y;
        c += static_cast<std::uint64_t>(row(std::max(ay, by) + kMargin) - row(std::min(ay, by) - kMargin) + 1);
      }
    cost.emplace_back(c, g);
  }
  budget_ = 4 * static_cast<std::uint64_t>(nx_ * ny_) + 32 * (vertices_.size() + n);
  std::sort(cost.begin(), cost.end());
  std::vector<std::uint8_t> admitted(n, 0);
  std::uint64_t spent = 0;
  for (const auto& [c, g] : cost) {
    if (spent + c > budget_) break;
    spent += c;
    admitted[g] = 1;
  }
  std::vector<std::pair<BoxTree::Box, std::uint32_t>> left_out;
  for (const auto& [c, g] : cost)
    if (!admitted[g]) left_out.push_back({{ranges[g].fx0, ranges[g].fy0, ranges[g].fx1, ranges[g].fy1}, g});
  std::vector<std::pair<std::uint64_t, std::uint32_t>>().swap(cost);
  fallback_.build(std::move(left_out));

  // Per admitted grid: mark the cells its edges touch (candidates, tested against the
  // grid's slab of the cell's row), then test the centre of each untouched cell of its
  // bounding box: inside means the whole cell is inside.
  std::vector<std::uint32_t> count(static_cast<std::size_t>(nx_ * ny_) + 1, 0);
  std::vector<std::pair<std::uint32_t, std::uint32_t>> items;  // (cell, slab or grid | kFull)
  std::vector<std::uint8_t> mark;
  std::vector<std::vector<std::uint32_t>> row_edges;  // per row of the grid's box: its edges
  slabs_.clear();
  runs_.clear();
  // Cells cover about cells_per_grid each grid, plus the edge cells grids share; untouched
  // reserve costs no memory, and the budget bounds it.
  items.reserve(std::min<std::size_t>(static_cast<std::size_t>(nx_ * ny_) * 3 / 2, spent));
  for (std::uint32_t g = 0; g < n; ++g) {
    if (!admitted[g]) continue;
    const std::int64_t cx0 = ranges[g].cx0, cx1 = ranges[g].cx1, cy0 = ranges[g].cy0, cy1 = ranges[g].cy1;
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

}  // namespace gridkeeper::geo
