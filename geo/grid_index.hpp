#pragma once
// GridIndex: an immutable, fully built snapshot answering point -> grid from any number
// of threads without locks. Two structures over the same grids:
//  - the routing structure: a uniform cell raster over fixed-point (1e-7 degree) vertices;
//    a cell that lies wholly inside one grid answers at once, other cells list the grids
//    whose edges cross them and are resolved by an exact crossing-number test over the
//    grid's edges that reach the cell's row (its slab);
//    the raster holds at most a fixed multiple of its cells and the input's vertices in
//    entries (see Stats::budget): grids that would overflow it (many grids piled on the same
//    place, grids far longer than a cell) are left to a tree of their boxes and tested
//    whole, with the same exact predicate, so answers do not change;
//  - the reference: GEOS polygons, prepared polygons and an STRtree over them, warmed at
//    build time, used by checks and by the tests that hold the raster to GEOS.
//
// Boundary rule: a point on the boundary between grids belongs to the grid that contains
// the point moved an infinitesimal step east (and, on an east-west edge, north). Every
// point of a gap-free, overlap-free tessellation therefore has exactly one grid.
// Where grids overlap, a point belongs to the lowest-numbered grid that holds it.
// Points outside every grid snap to the nearest grid within `snap_distance_m`.
#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "geo/box_tree.hpp"
#include "geo/geometry.hpp"
#include "geo/geos.hpp"

namespace gridkeeper::geo {

struct GridShape {
  std::string code;
  MultiPolygon shape;
};

struct Route {
  std::int32_t grid = -1;  // index into the snapshot's grids, -1 when none
  bool snapped = false;    // outside every grid, taken from the nearest one
  double distance_m = 0;   // distance to that grid when snapped
  bool found() const { return grid >= 0; }
};

class GridIndex {
 public:
  struct Options {
    double snap_distance_m = 50;
    // Raster density: more cells, more points answered at once and fewer edges per slab.
    // 64 routes 1.3-1.6x faster than 16 for 1.7x the raster memory (bench_route).
    double cells_per_grid = 64;
  };

  static std::shared_ptr<const GridIndex> build(std::vector<GridShape> grids, const Options& options);
  static std::shared_ptr<const GridIndex> build(std::vector<GridShape> grids) {
    return build(std::move(grids), Options{});
  }

  Route route(Point p) const;
  Route route(double lon, double lat) const { return route(Point{lon, lat}); }
  // The code of the grid `p` routes to (snapped as route snaps); none outside every grid.
  std::optional<std::string> code_at(Point p) const {
    const Route r = route(p);
    if (!r.found()) return std::nullopt;
    return codes_[static_cast<std::size_t>(r.grid)];
  }

  // GEOS reference: the grids whose closed polygon covers p (STRtree + prepared polygons).
  std::vector<std::uint32_t> covering_reference(Point p) const;
  // GEOS reference: whether p lies strictly inside grid i.
  bool contains_reference(std::size_t i, Point p) const;
  // Every grid whose half-open crossing test holds for p (the raster's own predicate,
  // without the raster): one grid for every point of a valid tessellation.
  std::vector<std::uint32_t> containing(Point p) const;
  // Distance in metres from p to grid i's boundary (exact segment distance, local frame).
  double distance_m(std::size_t i, Point p) const;

  std::size_t size() const { return codes_.size(); }
  const std::string& code(std::size_t i) const { return codes_[i]; }
  const GEOSGeometry* geometry(std::size_t i) const { return geometries_[i].get(); }
  const BBox& bbox(std::size_t i) const { return bboxes_[i]; }
  BBox extent() const { return extent_; }
  const Options& options() const { return options_; }

  struct Stats {
    std::size_t cells = 0, full_cells = 0, cell_items = 0, vertices = 0;
    std::size_t slabs = 0, runs = 0;
    // cell_items + slabs + runs <= budget = 4 cells + 32 (vertices + grids), and
    // cells <= 3 cells_per_grid grids + 1; fallback_grids are those left out of the raster.
    std::size_t budget = 0, fallback_grids = 0;
    std::size_t raster_bytes = 0;
    double raster_build_s = 0, reference_build_s = 0;  // wall time of the two build parts
  };
  Stats stats() const;

  ~GridIndex();
  GridIndex(const GridIndex&) = delete;
  GridIndex& operator=(const GridIndex&) = delete;

 private:
  GridIndex() = default;
  struct Fixed {  // 1e-7 degree units
    std::int32_t x, y;
  };
  // A grid's edges that reach one raster row, as runs of consecutive ring edges: edge k
  // joins vertices_[k] and vertices_[k + 1] for k in [begin, end).
  struct Slab {
    std::uint32_t grid, first_run;  // runs [first_run, next slab's first_run)
  };
  struct Run {
    std::uint32_t begin, end;
  };
  static constexpr std::uint32_t kFull = 0x80000000u;
  static constexpr std::uint32_t kEmpty = 0xFFFFFFFFu;

  bool inside(std::uint32_t grid, Fixed q) const;
  bool inside_slab(std::uint32_t slab, Fixed q) const;
  double distance_fixed_m(std::uint32_t grid, Point p) const;
  Route snap(Point p) const;
  std::int32_t lowest(std::uint32_t found, Fixed q) const;
  void build_raster();
  void build_reference(std::vector<GridShape>& grids);

  Options options_;
  double raster_build_s_ = 0, reference_build_s_ = 0;
  std::vector<std::string> codes_;
  std::vector<BBox> bboxes_;
  BBox extent_;

  // Routing structure.
  std::vector<Fixed> vertices_;
  std::vector<std::uint32_t> ring_start_;  // ring r spans [ring_start_[r], ring_start_[r+1])
  std::vector<std::uint32_t> grid_ring_start_;
  double cell_x0_ = 0, cell_y0_ = 0, cell_size_ = 1, inv_cell_size_ = 1;  // fixed units
  std::int64_t nx_ = 0, ny_ = 0;
  // One word per cell: kEmpty (no grid), kFull | grid (the cell lies wholly inside that
  // grid and no other grid comes near it), or the offset of the cell's items in
  // cell_items_, closed by kEmpty: kFull | grid when the cell lies inside the grid, else
  // the slab of a grid whose edges cross the cell.
  std::vector<std::uint32_t> cells_;
  std::vector<std::uint32_t> cell_items_;
  std::vector<Slab> slabs_;  // one per grid and row of its box, then an end marker
  std::vector<Run> runs_;
  BoxTree fallback_;  // the grids left out of the raster, by their fixed-point boxes
  std::uint64_t budget_ = 0;

  // Reference structure (owning vectors, non-owning tree).
  std::vector<geos::Geometry> geometries_;
  std::vector<geos::Prepared> prepared_;
  GEOSSTRtree* tree_ = nullptr;
};

// Holds the current snapshot; a new one replaces it atomically while queries run.
class GridIndexHolder {
 public:
  explicit GridIndexHolder(std::shared_ptr<const GridIndex> initial = nullptr) : current_(std::move(initial)) {}
  std::shared_ptr<const GridIndex> current() const { return current_.load(std::memory_order_acquire); }
  void replace(std::shared_ptr<const GridIndex> next) { current_.store(std::move(next), std::memory_order_release); }

 private:
  std::atomic<std::shared_ptr<const GridIndex>> current_;
};

}  // namespace gridkeeper::geo
