#include "geo/coverage.hpp"

#include <algorithm>
#include <cstdio>
#include <exception>
#include <optional>
#include <sstream>
#include <string_view>
#include <system_error>
#include <thread>
#include <unordered_map>
#include <unordered_set>

#include "geo/geos.hpp"

namespace gridkeeper::geo {

std::string_view to_string(Check check) {
  switch (check) {
    case Check::file:
      return "reading the file";
    case Check::geometry:
      return "invalid geometries";
    case Check::hierarchy:
      return "hierarchy (orphans, wrong parent level)";
    case Check::overlap:
      return "overlaps";
    case Check::gap:
      return "gaps (parts of an area not covered by its children)";
    case Check::outside:
      return "outside the parent";
    case Check::population:
      return "population";
  }
  return "other";
}

std::size_t CoverageReport::error_count() const {
  std::size_t n = 0;
  for (const auto& p : problems) n += p.severity == Severity::error;
  return n;
}

std::size_t CoverageReport::warning_count() const { return problems.size() - error_count(); }

std::size_t CoverageReport::count(Check check) const {
  return static_cast<std::size_t>(std::count(checks.begin(), checks.end(), check));
}

namespace {

std::optional<Level> parent_level(Level level) {
  switch (level) {
    case Level::grid:
      return Level::community;
    case Level::community:
      return Level::street;
    case Level::street:
      return Level::district;
    case Level::district:
      return std::nullopt;
  }
  return std::nullopt;
}

Level child_level(Level level) {
  switch (level) {
    case Level::district:
      return Level::street;
    case Level::street:
      return Level::community;
    default:
      return Level::grid;
  }
}

std::string plural(Level level) {
  switch (level) {
    case Level::district:
      return "districts";
    case Level::street:
      return "streets";
    case Level::community:
      return "communities";
    case Level::grid:
      return "grids";
  }
  return "areas";
}

std::string level_name(const Area& a) { return a.level ? std::string(to_string(*a.level)) : std::string("feature"); }

// "grid G2 (feature 7)": the other party of a problem.
std::string name(const Area& a) {
  std::string s = level_name(a);
  if (!a.code.empty()) s += " " + a.code;
  return s + " (feature " + std::to_string(a.index) + ")";
}

// "35.2 m²"; slivers keep three significant digits instead of rounding to 0.0.
std::string square_metres(double a) {
  char buf[64];
  std::snprintf(buf, sizeof buf, a >= 1 ? "%.1f m²" : "%.3g m²", a);
  return buf;
}

std::string geos_error() {
  const auto& e = geos::last_error();
  return e.empty() ? std::string("GEOS failed") : "GEOS: " + e;
}

struct Finding {
  Check check;
  Problem problem;
};

Finding finding(Check check, Severity severity, const Area& a, std::string reason,
                std::optional<Point> where = std::nullopt) {
  return {check, Problem{severity, a.index, a.code, std::move(reason), where}};
}

// What the checks share and what needs no geometry: the local frame, the hierarchy (who is
// whose child) and the problems found in the properties alone.
struct Plan {
  geos::LocalFrame frame{0, 0};
  std::vector<std::vector<std::size_t>> children;  // by area, the areas naming it as parent
  std::vector<bool> first_holder;                  // the first area with its code
  std::vector<Finding> findings;
};

geos::LocalFrame centre(const ReadResult& file) {
  BBox extent;
  for (const auto& a : file.areas) extent.add(bbox_of(a.shape));
  if (extent.empty()) return geos::LocalFrame(0, 0);
  return geos::LocalFrame((extent.min_lon + extent.max_lon) / 2, (extent.min_lat + extent.max_lat) / 2);
}

void link_parents(const ReadResult& file, Plan& plan) {
  const auto& areas = file.areas;
  std::unordered_map<std::string_view, std::size_t> by_code;
  plan.first_holder.assign(areas.size(), false);
  for (std::size_t k = 0; k < areas.size(); ++k)
    if (!areas[k].code.empty()) plan.first_holder[k] = by_code.emplace(areas[k].code, k).second;
  // Features the reader had to drop (their problems are in the report) are no reason to
  // call their children orphans.
  std::unordered_set<std::size_t> kept;
  for (const auto& a : areas) kept.insert(a.index);
  std::unordered_set<std::string_view> dropped;
  for (const auto& p : file.problems)
    if (p.feature_index != kNoFeature && !p.code.empty() && !kept.count(p.feature_index)) dropped.insert(p.code);

  plan.children.resize(areas.size());
  for (std::size_t k = 0; k < areas.size(); ++k) {
    const Area& a = areas[k];
    if (!a.level || a.parent.empty()) continue;  // the reader reports a missing parent
    const auto expected = parent_level(*a.level);
    if (!expected) continue;
    const std::string rule = "a " + level_name(a) + "'s parent must be a " + std::string(to_string(*expected));
    auto it = by_code.find(a.parent);
    if (it == by_code.end()) {
      if (!dropped.count(a.parent))
        plan.findings.push_back(finding(Check::hierarchy, Severity::error, a,
                                        "orphan: parent " + a.parent + " is not in the file (" + rule + ")"));
      continue;
    }
    const Area& parent = areas[it->second];
    if (!parent.level) continue;  // its unreadable level is reported already
    if (parent.level != expected) {
      plan.findings.push_back(
          finding(Check::hierarchy, Severity::error, a,
                  "wrong parent level: parent " + name(parent) + " is a " + level_name(parent) + ", but " + rule));
      continue;
    }
    plan.children[it->second].push_back(k);
  }
}

void check_populations(const ReadResult& file, const CoverageOptions& options, Plan& plan) {
  for (const auto& a : file.areas) {
    if (a.level != Level::grid || !a.population) continue;
    if (*a.population >= options.population_min && *a.population <= options.population_max) continue;
    plan.findings.push_back(finding(Check::population, Severity::warning, a,
                                    "population " + std::to_string(*a.population) + " is outside the band " +
                                        std::to_string(options.population_min) + "–" +
                                        std::to_string(options.population_max)));
  }
}

// The geometric checks, one part of them: worker `part` of `parts` takes every parts-th
// area. Each worker builds its own GEOS geometries (GEOS objects never cross threads), in
// metres on the plan's frame, so every area comes out in m².
class Checker {
 public:
  Checker(const ReadResult& file, const CoverageOptions& options, const Plan& plan, std::size_t part, std::size_t parts)
      : areas_(file.areas), options_(options), plan_(plan), part_(part), parts_(parts), ctx_(geos::context()) {}

  std::vector<Finding> run() {
    build_shapes();
    for (Level level : {Level::grid, Level::community, Level::street, Level::district}) find_overlaps(level);
    for (std::size_t k = part_; k < areas_.size(); k += parts_) cover_children(k);
    return std::move(findings_);
  }

 private:
  void add(Check check, Severity severity, std::size_t k, std::string reason,
           std::optional<Point> where = std::nullopt) {
    findings_.push_back(finding(check, severity, areas_[k], std::move(reason), where));
  }

  Severity by_size(double m2) const { return m2 <= options_.sliver_m2 ? Severity::warning : Severity::error; }

  // A point inside g, in lon/lat.
  std::optional<Point> inside(const GEOSGeometry* g) const {
    geos::Geometry p(GEOSPointOnSurface_r(ctx_, g));
    return lon_lat(p.get());
  }
  std::optional<Point> lon_lat(const GEOSGeometry* point) const {
    Point m;
    if (!point || GEOSisEmpty_r(ctx_, point) != 0 || !GEOSGeomGetX_r(ctx_, point, &m.lon) ||
        !GEOSGeomGetY_r(ctx_, point, &m.lat))
      return std::nullopt;
    return plan_.frame.to_degrees(m);
  }

  const GEOSPreparedGeometry* prepared(std::size_t k) {
    if (!prepared_[k]) prepared_[k] = geos::prepare(shapes_[k].get());
    return prepared_[k].get();
  }

  // Only the polygonal parts of a repair are kept: overlay operations refuse mixed collections.
  geos::Geometry repaired(const GEOSGeometry* g) const {
    geos::Geometry fixed(GEOSMakeValid_r(ctx_, g));
    if (!fixed) return nullptr;
    const int type = GEOSGeomTypeId_r(ctx_, fixed.get());
    if (type == GEOS_POLYGON || type == GEOS_MULTIPOLYGON)
      return GEOSisEmpty_r(ctx_, fixed.get()) == 0 ? std::move(fixed) : nullptr;
    auto parts = geos::polygons_of(fixed.get());
    if (parts.empty()) return nullptr;
    return geos::to_geos(parts);  // already in metres: taken as they are
  }

  void build_shapes() {
    shapes_.resize(areas_.size());
    prepared_.resize(areas_.size());
    const bool report = part_ == 0;  // every worker builds every shape, one reports on them
    for (std::size_t k = 0; k < areas_.size(); ++k) {
      geos::Geometry g = geos::to_geos_metres(areas_[k].shape, plan_.frame);
      if (!g) {
        if (report) add(Check::geometry, Severity::error, k, "geometry could not be built: " + geos_error());
        continue;
      }
      char* reason = nullptr;
      GEOSGeometry* location = nullptr;
      const char valid = GEOSisValidDetail_r(ctx_, g.get(), 0, &reason, &location);
      const std::string why = reason ? reason : "";
      if (reason) GEOSFree_r(ctx_, reason);
      geos::Geometry where(location);
      if (valid == 1) {
        shapes_[k] = std::move(g);
        continue;
      }
      if (valid != 0) {
        if (report) add(Check::geometry, Severity::error, k, "validity could not be checked: " + geos_error());
        continue;
      }
      // The rest of the file is checked against the repaired shape, so that one bad ring
      // neither hides the state of its neighbours nor leaves a false gap in its community.
      shapes_[k] = repaired(g.get());
      if (report)
        add(Check::geometry, Severity::error, k,
            (shapes_[k] ? "invalid geometry, repaired for the other checks: "
                        : "invalid geometry, nothing left after repair, so the other checks skip it: ") +
                why,
            lon_lat(where.get()));
    }
  }

  // Pairs of the same level whose interiors meet. Candidates come from an STRtree, so the
  // work follows the number of neighbours, not the square of the number of areas.
  void find_overlaps(Level level) {
    std::vector<std::size_t> members;
    for (std::size_t k = 0; k < areas_.size(); ++k)
      if (areas_[k].level == level && shapes_[k]) members.push_back(k);
    if (members.size() < 2) return;
    geos::Tree tree(GEOSSTRtree_create_r(ctx_, 10));
    if (!tree) return;
    for (auto& k : members) GEOSSTRtree_insert_r(ctx_, tree.get(), shapes_[k].get(), &k);
    std::vector<std::size_t> candidates;
    auto collect = [](void* item, void* out) {
      static_cast<std::vector<std::size_t>*>(out)->push_back(*static_cast<const std::size_t*>(item));
    };
    for (std::size_t m = part_; m < members.size(); m += parts_) {
      const std::size_t k = members[m];
      candidates.clear();
      GEOSSTRtree_query_r(ctx_, tree.get(), shapes_[k].get(), collect, &candidates);
      std::sort(candidates.begin(), candidates.end());
      for (std::size_t other : candidates)
        if (other > k) overlap(k, other);  // each pair once, reported on the earlier feature
    }
  }

  void overlap(std::size_t k, std::size_t other) {
    const GEOSGeometry* a = shapes_[k].get();
    const GEOSGeometry* b = shapes_[other].get();
    // Envelopes meet far more often than shapes do; the prepared test is the cheap filter.
    if (GEOSPreparedIntersects_r(ctx_, prepared(k), b) == 0) return;
    // Neighbours sharing an edge touch; only meeting interiors are an overlap.
    const char interiors = GEOSRelatePattern_r(ctx_, a, b, "T********");
    if (interiors == 0) return;
    geos::Geometry common(interiors == 1 ? GEOSIntersection_r(ctx_, a, b) : nullptr);
    if (!common) {
      add(Check::overlap, Severity::warning, k,
          "overlap with " + name(areas_[other]) + " could not be measured: " + geos_error());
      return;
    }
    const double m2 = geos::area(common.get());
    if (m2 <= options_.noise_m2) return;
    add(Check::overlap, by_size(m2), k, "overlaps " + name(areas_[other]) + " by " + square_metres(m2),
        inside(common.get()));
  }

  // A parent's children must cover it (no gaps) and stay inside it (no overhangs).
  void cover_children(std::size_t k) {
    const Area& parent = areas_[k];
    if (!parent.level || parent.level == Level::grid || !shapes_[k]) return;
    // A second area with the same code gets no children; the duplicate code is reported.
    if (!plan_.first_holder[k]) return;
    const auto& kids = plan_.children[k];
    const std::string what = level_name(parent);
    const std::string kind = plural(child_level(*parent.level));
    if (kids.empty()) {
      add(Check::gap, Severity::error, k,
          what + " has no " + kind + ": all of its " + square_metres(geos::area(shapes_[k].get())) + " are uncovered",
          inside(shapes_[k].get()));
      return;
    }
    std::vector<std::size_t> usable;
    for (std::size_t c : kids)
      if (shapes_[c]) usable.push_back(c);
    if (usable.empty()) return;  // their geometry problems are reported

    geos::Geometry covered = union_of(usable);
    if (!covered) {
      add(Check::gap, Severity::warning, k, "gaps could not be computed: " + geos_error());
      for (std::size_t c : usable) overhang(c, k);
      return;
    }
    // One difference per parent tells whether any child sticks out; only then is each child
    // measured on its own.
    geos::Geometry beyond(GEOSDifference_r(ctx_, covered.get(), shapes_[k].get()));
    if (!beyond || geos::area(beyond.get()) > options_.noise_m2)
      for (std::size_t c : usable) overhang(c, k);

    if (usable.size() != kids.size()) return;  // a skipped child would show up as a false gap
    geos::Geometry gaps(GEOSDifference_r(ctx_, shapes_[k].get(), covered.get()));
    if (!gaps) {
      add(Check::gap, Severity::warning, k, "gaps could not be computed: " + geos_error());
      return;
    }
    const int n = GEOSGetNumGeometries_r(ctx_, gaps.get());
    for (int i = 0; i < n; ++i) {
      const GEOSGeometry* gap = GEOSGetGeometryN_r(ctx_, gaps.get(), i);
      const double m2 = geos::area(gap);
      if (m2 <= options_.noise_m2) continue;
      add(Check::gap, by_size(m2), k,
          "gap of " + square_metres(m2) + " inside the " + what + " not covered by its " + kind, inside(gap));
    }
  }

  geos::Geometry union_of(const std::vector<std::size_t>& parts) const {
    std::vector<GEOSGeometry*> copies;
    copies.reserve(parts.size());
    for (std::size_t c : parts) {
      GEOSGeometry* copy = GEOSGeom_clone_r(ctx_, shapes_[c].get());
      if (!copy) {
        for (auto* g : copies) GEOSGeom_destroy_r(ctx_, g);
        return nullptr;
      }
      copies.push_back(copy);
    }
    // The collection takes the copies over.
    geos::Geometry all(GEOSGeom_createCollection_r(ctx_, GEOS_GEOMETRYCOLLECTION, copies.data(),
                                                   static_cast<unsigned>(copies.size())));
    if (!all) return nullptr;
    return geos::Geometry(GEOSUnaryUnion_r(ctx_, all.get()));
  }

  void overhang(std::size_t child, std::size_t parent) {
    if (GEOSPreparedCovers_r(ctx_, prepared(parent), shapes_[child].get()) == 1) return;
    geos::Geometry outside(GEOSDifference_r(ctx_, shapes_[child].get(), shapes_[parent].get()));
    if (!outside) {
      add(Check::outside, Severity::warning, child,
          "could not measure how far it sticks out of " + name(areas_[parent]) + ": " + geos_error());
      return;
    }
    const double m2 = geos::area(outside.get());
    if (m2 <= options_.noise_m2) return;
    add(Check::outside, by_size(m2), child, "sticks out of " + name(areas_[parent]) + " by " + square_metres(m2),
        inside(outside.get()));
  }

  const std::vector<Area>& areas_;
  const CoverageOptions& options_;
  const Plan& plan_;
  std::size_t part_, parts_;
  GEOSContextHandle_t ctx_;
  std::vector<geos::Geometry> shapes_;  // valid (or repaired), in metres; null when unusable
  std::vector<geos::Prepared> prepared_;
  std::vector<Finding> findings_;
};

// Small files are not worth a thread.
constexpr std::size_t kAreasPerExtraThread = 2000;

std::size_t worker_count(const CoverageOptions& options, std::size_t areas) {
  std::size_t n = options.threads;
  if (n == 0)
    n = std::min<std::size_t>(std::max(1u, std::thread::hardware_concurrency()),
                              std::max<std::size_t>(1, areas / kAreasPerExtraThread));
  return std::clamp<std::size_t>(n, 1, std::clamp<std::size_t>(areas, 1, 64));
}

// "1 district", "2 communities".
std::string counted(std::size_t n, Level level) {
  return std::to_string(n) + " " + (n == 1 ? std::string(to_string(level)) : plural(level));
}

}  // namespace

CoverageReport check_coverage(const ReadResult& file, const CoverageOptions& options) {
  CoverageReport report;
  report.problems = file.problems;
  report.checks.assign(file.problems.size(), Check::file);

  std::size_t seen = 0;  // features: one past the last index the reader mentions
  for (const auto& a : file.areas) {
    seen = std::max(seen, a.index + 1);
    if (!a.level) continue;
    switch (*a.level) {
      case Level::grid:
        ++report.grids;
        break;
      case Level::community:
        ++report.communities;
        break;
      case Level::street:
        ++report.streets;
        break;
      case Level::district:
        ++report.districts;
        break;
    }
  }
  for (const auto& p : file.problems)
    if (p.feature_index != kNoFeature) seen = std::max(seen, p.feature_index + 1);
  report.features = seen;
  if (file.fatal || file.areas.empty()) return report;

  Plan plan;
  plan.frame = centre(file);
  link_parents(file, plan);
  check_populations(file, options, plan);

  const std::size_t parts = worker_count(options, file.areas.size());
  std::vector<std::vector<Finding>> found(parts);
  std::vector<std::exception_ptr> failed(parts);
  auto work = [&](std::size_t part) {
    try {
      found[part] = Checker(file, options, plan, part, parts).run();
    } catch (...) {
      failed[part] = std::current_exception();
    }
  };
  std::vector<std::thread> threads;
  for (std::size_t part = 1; part < parts; ++part) {
    try {
      threads.emplace_back(work, part);
    } catch (const std::system_error&) {
      work(part);  // no thread to be had: do that part here
    }
  }
  work(0);
  for (auto& t : threads) t.join();
  for (auto& e : failed)
    if (e) std::rethrow_exception(e);

  // Every (check, feature) group comes from one worker, in that worker's order, so the
  // report is the same whatever the number of threads.
  std::vector<Finding> findings = std::move(plan.findings);
  for (auto& part : found) std::move(part.begin(), part.end(), std::back_inserter(findings));
  std::stable_sort(findings.begin(), findings.end(), [](const Finding& a, const Finding& b) {
    if (a.check != b.check) return a.check < b.check;
    return a.problem.feature_index < b.problem.feature_index;
  });
  for (auto& f : findings) {
    report.problems.push_back(std::move(f.problem));
    report.checks.push_back(f.check);
  }
  return report;
}

std::string format_report(const CoverageReport& report, std::string_view source) {
  std::ostringstream out;
  out << source << ": checked " << report.features << (report.features == 1 ? " feature: " : " features: ")
      << counted(report.districts, Level::district) << ", " << counted(report.streets, Level::street) << ", "
      << counted(report.communities, Level::community) << ", " << counted(report.grids, Level::grid) << "\n";
  auto check_of = [&](std::size_t i) { return i < report.checks.size() ? report.checks[i] : Check::file; };
  for (Check check : {Check::file, Check::geometry, Check::hierarchy, Check::overlap, Check::gap, Check::outside,
                      Check::population}) {
    std::size_t errors = 0, warnings = 0;
    for (std::size_t i = 0; i < report.problems.size(); ++i)
      if (check_of(i) == check) ++(report.problems[i].severity == Severity::error ? errors : warnings);
    if (errors + warnings == 0) continue;
    out << "\n" << to_string(check) << ": " << errors << " error(s), " << warnings << " warning(s)\n";
    for (std::size_t i = 0; i < report.problems.size(); ++i)
      if (check_of(i) == check) out << source << ": " << format_problem(report.problems[i]) << "\n";
  }
  if (!report.problems.empty()) out << "\n";
  out << source << ": " << report.error_count() << " error(s), " << report.warning_count() << " warning(s)\n";
  return out.str();
}

}  // namespace gridkeeper::geo
