#include "web/columns.hpp"

#include <variant>

#include "web/dates.hpp"
#include "web/json_codec.hpp"

namespace gridkeeper::web {

namespace json = boost::json;
using dispatch::Format;

namespace {
struct JsonCell {
  Format format;
  Categories categories;

  json::value operator()(std::monostate) const { return nullptr; }
  json::value operator()(std::int64_t n) const {
    if (format == Format::moment) return json::value(iso8601(n));
    if (format == Format::day) return json::value(local_date(n));
    if (format == Format::elapsed) return static_cast<double>(n) / 1000.0;
    return n;
  }
  json::value operator()(double d) const { return d; }
  json::value operator()(bool b) const { return b; }
  json::value operator()(std::string_view s) const { return json::value(s); }
  json::value operator()(std::span<const std::int64_t> counts) const {
    if (format == Format::by_category) {
      json::object o;
      for (std::size_t i = 0; i < counts.size() && i < categories.size(); ++i) o[categories[i]] = counts[i];
      return o;
    }
    json::array a;
    for (auto n : counts) a.push_back(n);
    return a;
  }
};

struct CsvCell {
  CsvWriter& w;
  Format format;

  void operator()(std::monostate) const { w.empty(); }
  void operator()(std::int64_t n) const {
    if (format == Format::moment) {
      w.text(local_datetime(n));
    } else if (format == Format::day) {
      w.text(local_date(n));
    } else if (format == Format::elapsed) {
      w.number(static_cast<double>(n) / 1000.0, 3);
    } else {
      w.number(n);
    }
  }
  void operator()(double d) const {
    const int decimals = format == Format::seconds ? 1 : format == Format::points ? 2 : 4;
    w.number(d, decimals);
  }
  void operator()(bool b) const { w.boolean(b); }
  void operator()(std::string_view s) const { w.text(s); }
  void operator()(std::span<const std::int64_t> counts) const {
    for (auto n : counts) w.number(n);
  }
};
}  // namespace

json::value json_of(const dispatch::Cell& cell, Format format, Categories categories) {
  return std::visit(JsonCell{format, categories}, cell);
}

void csv_cell(CsvWriter& w, const dispatch::Cell& cell, Format format) { std::visit(CsvCell{w, format}, cell); }

void put_json(json::object& o, std::string_view key, json::value v) {
  const auto dot = key.find('.');
  if (dot == std::string_view::npos) {
    o[key] = std::move(v);
    return;
  }
  auto& group = o[key.substr(0, dot)];
  if (!group.is_object()) group = json::object{};
  group.as_object()[key.substr(dot + 1)] = std::move(v);
}

void put_figures(json::object& o, const dispatch::Figures& f) {
  auto section = [](const dispatch::FigureColumn& c) {
    if (c.json.find('.') != std::string_view::npos) return 2;
    return c.format == Format::count ? 0 : 1;
  };
  for (int s = 0; s < 3; ++s)
    for (const auto& c : dispatch::figure_columns())
      if (!c.json.empty() && section(c) == s) put_json(o, c.json, json_of(c.get(f), c.format));
}

}  // namespace gridkeeper::web
