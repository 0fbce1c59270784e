#pragma once
// GridIndex: an immutable, fully built snapshot answering point -> grid from any number
// of threads without locks. Two structures over the same grids:
//  - the routing structure: a uniform cell raster over fixed-point (1e-7 degree) vertices;
//    a cell that lies wholly inside one grid answers at once, other cells list the grids
//    whose edges cross them and are resolved by an exact crossing-number test;
//  - the reference: GEOS polygons, prepared polygons and an STRtree over them, warmed at
//    build time, used by checks and by the tests that hold the raster to GEOS.
//
// Boundary rule: a point on the boundary between grids belongs to the grid that contains
// the point moved an infinitesimal step east (and, on an east-west edge, north). Every
// point of a gap-free, overlap-free tessellation therefore has exactly one grid.
// Points outside every grid snap to the nearest grid within `snap_distance_m`.
#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "geo/geometry.hpp"
#include "geo/geos.hpp"

namespace gridkeeper::geo {

struct GridShape {
  std::string code;
  MultiPolygon shape;
};

struct Route {
  std::int32_t grid = -1;   // index into the snapshot's grids, -1 when none
  bool snapped = false;     // outside every grid, taken from the nearest one
  double distance_m = 0;    // distance to that grid when snapped
  bool found() const { return grid >= 0; }
};

class GridIndex {
 public:
  struct Options {
    double snap_distance_m = 50;
    double cells_per_grid = 16;  // raster density; more cells, more cells answered at once
  };

  static std::shared_ptr<const GridIndex> build(std::vector<GridShape> grids, const Options& options);
  static std::shared_ptr<const GridIndex> build(std::vector<GridShape> grids) {
    return build(std::move(grids), Options{});
  }

  Route route(Point p) const;
  Route route(double lon, double lat) const { return route(Point{lon, lat}); }

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
    std::size_t raster_bytes = 0;
  };
  Stats stats() const;

  ~GridIndex();
  GridIndex(const GridIndex&) = delete;
  GridIndex& operator=(const GridIndex&) = delete;

 private:
  GridIndex() = default;
  struct Fixed {
    std::int32_t x, y;
  };
  static constexpr std::uint32_t kFull = 0x80000000u;

  bool inside(std::uint32_t grid, Fixed q) const;
  double distance_fixed_m(std::uint32_t grid, Point p) const;
  Route snap(Point p) const;
  void build_raster();
  void build_reference(std::vector<GridShape>& grids);

  Options options_;
  std::vector<std::string> codes_;
  std::vector<BBox> bboxes_;
  BBox extent_;

  // Routing structure.
  std::vector<Fixed> vertices_;
  std::vector<std::uint32_t> ring_start_;  // ring r spans [ring_start_[r], ring_start_[r+1])
  std::vector<std::uint32_t> grid_ring_start_;
  double cell_x0_ = 0, cell_y0_ = 0, cell_size_ = 1, inv_cell_size_ = 1;  // fixed units
  std::int64_t nx_ = 0, ny_ = 0;
  std::vector<std::uint32_t> cell_start_;
  std::vector<std::uint32_t> cell_items_;  // grid index, kFull when the cell lies inside it

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
