#include "dispatch/address_import.hpp"

#include <array>
#include <charconv>
#include <cmath>

#include "dispatch/text_rules.hpp"

namespace gridkeeper::dispatch {

GridOf grid_of(std::shared_ptr<const geo::GridIndex> index) {
  return [index = std::move(index)](geo::Point p) -> std::optional<std::string> {
    if (!index) return std::nullopt;
    return index->code_at(p);
  };
}

namespace {

enum Column { kAddress, kLon, kLat, kBuilding, kCommunity, kColumns };
constexpr std::array<std::string_view, kColumns> kNames{"address", "lon", "lat", "building", "community"};

// One line's cells (RFC 4180 quoting within the line; a quoted cell does not span lines).
// nullopt when the quoting is malformed.
std::optional<std::vector<std::string>> cells_of(std::string_view line) {
  std::vector<std::string> cells;
  std::size_t i = 0;
  while (true) {
    std::string cell;
    if (i < line.size() && line[i] == '"') {
      ++i;
      while (true) {
        if (i >= line.size()) return std::nullopt;
        if (line[i] == '"') {
          if (i + 1 < line.size() && line[i + 1] == '"') {
            cell += '"';
            i += 2;
            continue;
          }
          ++i;
          break;
        }
        cell += line[i++];
      }
      if (i < line.size() && line[i] != ',') return std::nullopt;
    } else {
      while (i < line.size() && line[i] != ',') {
        if (line[i] == '"') return std::nullopt;
        cell += line[i++];
      }
    }
    cells.push_back(std::move(cell));
    if (i >= line.size()) return cells;
    ++i;  // the comma
  }
}

std::optional<double> number_of(std::string_view s) {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  if (s.empty()) return std::nullopt;
  if (s.front() == '+') s.remove_prefix(1);
  double v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size() || !std::isfinite(v)) return std::nullopt;
  return v;
}

class Collector {
 public:
  Collector(geo::Crs crs, const GridOf& grid_of) : crs_(crs), grid_of_(grid_of) {}

  void problem(std::size_t line, std::string field, std::string message) {
    ++out.rejected;
    if (out.problems.size() < kMaxReportedProblems)
      out.problems.push_back({line, std::move(field), std::move(message)});
  }

  // Checks the text cells and the point (in the file's frame), then routes.
  void add(std::size_t line, AddressInput in) {
    if (in.address.empty()) return problem(line, "address", "the address is missing");
    const std::pair<std::string_view, const std::string*> texts[] = {
        {"address", &in.address}, {"building", &in.building}, {"community", &in.community}};
    for (const auto& [name, value] : texts)
      if (auto e = check_text(*value, kMaxAddressBytes, name)) return problem(line, std::string(name), e->message);
    if (in.lon < -180 || in.lon > 180 || !std::isfinite(in.lon))
      return problem(line, "lon", "lon must lie in [-180, 180]");
    if (in.lat < -90 || in.lat > 90 || !std::isfinite(in.lat)) return problem(line, "lat", "lat must lie in [-90, 90]");
    const geo::Point wgs = geo::to_wgs84({in.lon, in.lat}, crs_);
    auto grid = grid_of_(wgs);
    if (!grid) return problem(line, "lon", "the point lies outside the city (in no grid)");
    Address a;
    a.address = std::move(in.address);
    a.building = std::move(in.building);
    a.community = std::move(in.community);
    a.lon = wgs.lon;
    a.lat = wgs.lat;
    a.grid_id = std::move(*grid);
    out.rows.push_back(std::move(a));
  }

  AddressParse out;

 private:
  geo::Crs crs_;
  const GridOf& grid_of_;
};

}  // namespace

AddressParse addresses_from(const std::vector<AddressInput>& inputs, geo::Crs crs, const GridOf& grid_of) {
  Collector c(crs, grid_of);
  c.out.rows.reserve(inputs.size());
  std::size_t line = 2;
  for (const auto& in : inputs) c.add(line++, in);
  return std::move(c.out);
}

Result<AddressParse> parse_address_csv(std::string_view text, geo::Crs crs, const GridOf& grid_of) {
  if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
  auto next_line = [&text]() {
    auto end = text.find('\n');
    std::string_view line = text.substr(0, end);
    text = end == std::string_view::npos ? std::string_view() : text.substr(end + 1);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    return line;
  };
  const auto bad_header = [](std::string message) {
    return make_error(ErrorCode::invalid_value, "line 1: " + message, "line 1");
  };
  if (text.empty()) return bad_header("the file is empty; the header is address,lon,lat[,building,community]");
  auto header = cells_of(next_line());
  if (!header) return bad_header("the header's quoting is malformed");
  std::array<int, kColumns> at;
  at.fill(-1);
  for (std::size_t i = 0; i < header->size(); ++i) {
    std::string name = (*header)[i];
    while (!name.empty() && name.back() == ' ') name.pop_back();
    std::size_t k = 0;
    while (k < kColumns && kNames[k] != name) ++k;
    if (k == kColumns) return bad_header("unknown column '" + name.substr(0, 40) + "'");
    if (at[k] >= 0) return bad_header("column " + name + " appears twice");
    at[k] = static_cast<int>(i);
  }
  for (int k : {kAddress, kLon, kLat})
    if (at[k] < 0) return bad_header("the header lacks " + std::string(kNames[k]));

  Collector c(crs, grid_of);
  std::size_t line_no = 1;
  while (!text.empty()) {
    auto line = next_line();
    ++line_no;
    if (line.empty()) continue;
    if (line.size() > kMaxAddressLineBytes) {
      c.problem(line_no, "line", "the line is longer than " + std::to_string(kMaxAddressLineBytes) + " bytes");
      continue;
    }
    auto cells = cells_of(line);
    if (!cells) {
      c.problem(line_no, "line", "malformed quoting");
      continue;
    }
    if (cells->size() != header->size()) {
      c.problem(line_no, "line",
                "expected " + std::to_string(header->size()) + " cells, found " + std::to_string(cells->size()));
      continue;
    }
    auto cell = [&](int k) -> std::string { return at[k] < 0 ? std::string() : (*cells)[at[k]]; };
    auto lon = number_of(cell(kLon));
    if (!lon) {
      c.problem(line_no, "lon", cell(kLon).empty() ? "lon is missing" : "lon is not a number");
      continue;
    }
    auto lat = number_of(cell(kLat));
    if (!lat) {
      c.problem(line_no, "lat", cell(kLat).empty() ? "lat is missing" : "lat is not a number");
      continue;
    }
    c.add(line_no, {cell(kAddress), cell(kBuilding), cell(kCommunity), *lon, *lat});
  }
  return std::move(c.out);
}

}  // namespace gridkeeper::dispatch
