#pragma once
// BoxTree: a static packed R-tree (sort-tile-recursive order) over integer boxes, for the
// grids GridIndex leaves out of its raster. Built once, then read by any number of threads.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <utility>
#include <vector>

namespace gridkeeper::geo {

class BoxTree {
 public:
  struct Box {  // closed: [x0, x1] x [y0, y1]
    std::int32_t x0, y0, x1, y1;
    bool meets(const Box& o) const { return x0 <= o.x1 && o.x0 <= x1 && y0 <= o.y1 && o.y0 <= y1; }
  };

  void build(std::vector<std::pair<Box, std::uint32_t>> items) {
    levels_.clear();
    ids_.clear();
    if (items.empty()) return;
    // Slices of about sqrt(nodes) by x centre, each sorted by y centre, then packed.
    auto cx = [](const Box& b) { return std::int64_t{b.x0} + b.x1; };
    auto cy = [](const Box& b) { return std::int64_t{b.y0} + b.y1; };
    std::sort(items.begin(), items.end(), [&](const auto& a, const auto& b) { return cx(a.first) < cx(b.first); });
    const std::size_t nodes = (items.size() + kFanout - 1) / kFanout;
    const auto slices = static_cast<std::size_t>(std::ceil(std::sqrt(static_cast<double>(nodes))));
    const std::size_t per_slice = slices * kFanout;
    for (std::size_t s = 0; s < items.size(); s += per_slice)
      std::sort(items.begin() + static_cast<std::ptrdiff_t>(s),
                items.begin() + static_cast<std::ptrdiff_t>(std::min(items.size(), s + per_slice)),
                [&](const auto& a, const auto& b) { return cy(a.first) < cy(b.first); });
    levels_.emplace_back();
    for (const auto& [box, id] : items) {
      levels_[0].push_back(box);
      ids_.push_back(id);
    }
    while (levels_.back().size() > 1) {
      const std::vector<Box>& below = levels_.back();
      std::vector<Box> up;
      for (std::size_t i = 0; i < below.size(); i += kFanout) {
        Box b = below[i];
        for (std::size_t k = i + 1; k < std::min(below.size(), i + kFanout); ++k) {
          b.x0 = std::min(b.x0, below[k].x0);
          b.y0 = std::min(b.y0, below[k].y0);
          b.x1 = std::max(b.x1, below[k].x1);
          b.y1 = std::max(b.y1, below[k].y1);
        }
        up.push_back(b);
      }
      levels_.push_back(std::move(up));
    }
  }

  bool empty() const { return ids_.empty(); }
  std::size_t size() const { return ids_.size(); }
  std::size_t bytes() const {
    std::size_t b = ids_.size() * sizeof(std::uint32_t);
    for (const auto& l : levels_) b += l.size() * sizeof(Box);
    return b;
  }

  // Calls f(id) for every item whose box meets q.
  template <class F>
  void query(const Box& q, F&& f) const {
    if (!empty()) visit(levels_.size() - 1, 0, q, f);
  }

 private:
  static constexpr std::size_t kFanout = 16;

  template <class F>
  void visit(std::size_t level, std::size_t node, const Box& q, F& f) const {
    const std::vector<Box>& boxes = levels_[level];
    if (!boxes[node].meets(q)) return;
    if (level == 0) {
      f(ids_[node]);
      return;
    }
    const std::size_t end = std::min(levels_[level - 1].size(), (node + 1) * kFanout);
    for (std::size_t k = node * kFanout; k < end; ++k) visit(level - 1, k, q, f);
  }

  std::vector<std::vector<Box>> levels_;  // levels_[0]: the items' boxes; each level above: unions of 16
  std::vector<std::uint32_t> ids_;
};

}  // namespace gridkeeper::geo
