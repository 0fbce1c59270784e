#include "geo/tessellation.hpp"

#include <algorithm>
#include <random>
#include <string>

namespace gridkeeper::geo {

std::vector<GridShape> tessellate(const TessellationOptions& o) {
  const int nx = std::max(1, o.columns), ny = std::max(1, o.rows);
  const double cw = (o.area.max_lon - o.area.min_lon) / nx;
  const double ch = (o.area.max_lat - o.area.min_lat) / ny;
  std::mt19937_64 rng(o.seed);
  std::uniform_real_distribution<double> unit(-1.0, 1.0);

  // Lattice corners, jittered inside; the outline stays straight.
  std::vector<Point> corner(static_cast<std::size_t>((nx + 1) * (ny + 1)));
  auto at = [&](int i, int j) -> Point& { return corner[static_cast<std::size_t>(j * (nx + 1) + i)]; };
  for (int j = 0; j <= ny; ++j)
    for (int i = 0; i <= nx; ++i) {
      Point p{o.area.min_lon + i * cw, o.area.min_lat + j * ch};
      if (i > 0 && i < nx) p.lon += unit(rng) * 0.15 * cw;
      if (j > 0 && j < ny) p.lat += unit(rng) * 0.15 * ch;
      at(i, j) = p;
    }

  // Each cell has 4 sides; each side gets k inner vertices so 4 + 4k lies in the band.
  const int kmin = std::max(0, (o.min_vertices - 4 + 3) / 4);
  const int kmax = std::max(kmin, (o.max_vertices - 4) / 4);
  std::uniform_int_distribution<int> inner(kmin, kmax);
  // Side between lattice points a and b, with k wiggling inner points (shared by both cells).
  auto side = [&](Point a, Point b, bool straight) {
    std::vector<Point> pts;
    const int k = inner(rng);
    const double dx = b.lon - a.lon, dy = b.lat - a.lat;
    for (int s = 1; s <= k; ++s) {
      const double t = static_cast<double>(s) / (k + 1);
      Point p{a.lon + t * dx, a.lat + t * dy};
      if (!straight) {
        // Perpendicular offset of at most 6 % of the side, fading to zero at the ends.
        const double amp = unit(rng) * 0.06 * std::min(t, 1 - t) * 2;
        p.lon += -dy * amp;
        p.lat += dx * amp;
      }
      pts.push_back(p);
    }
    return pts;
  };
  // Horizontal sides h(i, j): from corner (i, j) to (i+1, j); vertical v(i, j): (i, j) to (i, j+1).
  std::vector<std::vector<Point>> hs(static_cast<std::size_t>(nx * (ny + 1))),
      vs(static_cast<std::size_t>((nx + 1) * ny));
  for (int j = 0; j <= ny; ++j)
    for (int i = 0; i < nx; ++i)
      hs[static_cast<std::size_t>(j * nx + i)] = side(at(i, j), at(i + 1, j), j == 0 || j == ny);
  for (int j = 0; j < ny; ++j)
    for (int i = 0; i <= nx; ++i)
      vs[static_cast<std::size_t>(j * (nx + 1) + i)] = side(at(i, j), at(i, j + 1), i == 0 || i == nx);

  std::vector<GridShape> cells;
  cells.reserve(static_cast<std::size_t>(nx * ny));
  for (int j = 0; j < ny; ++j)
    for (int i = 0; i < nx; ++i) {
      Ring ring;
      const auto& south = hs[static_cast<std::size_t>(j * nx + i)];
      const auto& east = vs[static_cast<std::size_t>(j * (nx + 1) + i + 1)];
      const auto& north = hs[static_cast<std::size_t>((j + 1) * nx + i)];
      const auto& west = vs[static_cast<std::size_t>(j * (nx + 1) + i)];
      // Counter-clockwise: south west->east, east south->north, north east->west, west north->south.
      ring.push_back(at(i, j));
      ring.insert(ring.end(), south.begin(), south.end());
      ring.push_back(at(i + 1, j));
      ring.insert(ring.end(), east.begin(), east.end());
      ring.push_back(at(i + 1, j + 1));
      ring.insert(ring.end(), north.rbegin(), north.rend());
      ring.push_back(at(i, j + 1));
      ring.insert(ring.end(), west.rbegin(), west.rend());
      ring.push_back(at(i, j));
      GridShape cell;
      cell.code = "G" + std::to_string(j) + "-" + std::to_string(i);
      cell.shape.push_back(Polygon{{std::move(ring)}});
      cells.push_back(std::move(cell));
    }
  return cells;
}

}  // namespace gridkeeper::geo
