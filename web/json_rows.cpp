#include "web/json_rows.hpp"

#include <algorithm>
#include <exception>
#include <thread>
#include <variant>

#include "web/dates.hpp"
#include "web/json_codec.hpp"

namespace gridkeeper::web {

using dispatch::Format;

namespace {
struct TextCell {
  std::string& out;
  Format format;

  void operator()(std::monostate) const { out += "null"; }
  void operator()(std::int64_t n) const {
    if (format == Format::moment) return write_json_string(out, iso8601(n));
    if (format == Format::day) return write_json_string(out, local_date(n));
    if (format == Format::elapsed) return write_json_number(out, static_cast<double>(n) / 1000.0);
    write_json_number(out, n);
  }
  void operator()(double d) const { write_json_number(out, d); }
  void operator()(bool b) const { out += b ? "true" : "false"; }
  void operator()(std::string_view s) const { write_json_string(out, s); }
  void operator()(std::span<const std::int64_t> counts) const {
    // A list of counts (the rows' tables have no counts by category).
    out += '[';
    for (std::size_t i = 0; i < counts.size(); ++i) {
      if (i) out += ',';
      write_json_number(out, counts[i]);
    }
    out += ']';
  }
};

std::string key_text(std::string_view key) {
  std::string out;
  write_json_string(out, key);
  out += ':';
  return out;
}
}  // namespace

void append_json_cell(std::string& out, const dispatch::Cell& cell, Format format) {
  std::visit(TextCell{out, format}, cell);
}

RowJsonWriter::RowJsonWriter(const dispatch::RowTable& table)
    : leading_(dispatch::leading_columns(table)), trailing_(dispatch::trailing_columns(table)) {
  // The same order `put_json` gives: a top-level key where it first comes, an object where
  // its first member comes, a key set again keeping its place.
  auto place = [&](std::string_view json, Member member) {
    const auto dot = json.find('.');
    const std::string top(dot == std::string_view::npos ? json : json.substr(0, dot));
    const std::string top_key = key_text(top);
    auto it = std::find_if(entries_.begin(), entries_.end(), [&](const Entry& e) { return e.key == top_key; });
    if (it == entries_.end()) {
      entries_.push_back({top_key, {}, dot != std::string_view::npos});
      it = entries_.end() - 1;
    }
    if (dot == std::string_view::npos) {
      it->members = {std::move(member)};
      it->object = false;
      return;
    }
    member.key = key_text(json.substr(dot + 1));
    auto m = std::find_if(it->members.begin(), it->members.end(), [&](const Member& x) { return x.key == member.key; });
    if (m == it->members.end()) it->members.push_back(std::move(member));
    else *m = std::move(member);
  };
  for (const auto& c : leading_)
    if (!c.json.empty()) place(c.json, Member{{}, &c, nullptr});
  auto section = [](const dispatch::FigureColumn& c) {
    if (c.json.find('.') != std::string_view::npos) return 2;
    return c.format == Format::count ? 0 : 1;
  };
  for (int s = 0; s < 3; ++s)
    for (const auto& c : dispatch::figure_columns())
      if (!c.json.empty() && section(c) == s) place(c.json, Member{{}, nullptr, &c});
  for (const auto& c : trailing_)
    if (!c.json.empty()) place(c.json, Member{{}, &c, nullptr});
}

void RowJsonWriter::append(std::string& out, const dispatch::AssessmentRow& row) const {
  auto value = [&](const Member& m) {
    if (m.row) append_json_cell(out, m.row->get(row), m.row->format);
    else append_json_cell(out, m.figure->get(row.figures), m.figure->format);
  };
  out += '{';
  bool first = true;
  for (const auto& e : entries_) {
    if (!first) out += ',';
    first = false;
    out += e.key;
    if (!e.object) {
      value(e.members.front());
      continue;
    }
    out += '{';
    for (std::size_t i = 0; i < e.members.size(); ++i) {
      if (i) out += ',';
      out += e.members[i].key;
      value(e.members[i]);
    }
    out += '}';
  }
  out += '}';
}

void RowJsonWriter::append_all(std::string& out, const std::vector<dispatch::AssessmentRow>& rows) const {
  out += '[';
  for (std::size_t i = 0; i < rows.size(); ++i) {
    if (i) out += ',';
    append(out, rows[i]);
  }
  out += ']';
}

namespace {
void append_table(std::string& out, const dispatch::RowTable& table, const dispatch::Assessment& a) {
  out += ',';
  write_json_string(out, table.name);
  out += ':';
  RowJsonWriter(table).append_all(out, a.*(table.rows));
}
}  // namespace

void append_row_tables(std::string& out, const dispatch::Assessment& a) {
  const auto tables = dispatch::row_tables();
  std::size_t rows = 0;
  for (const auto& t : tables) rows += (a.*(t.rows)).size();
  // The tables before `cut` are written here, the others on a thread of their own.
  std::size_t cut = 0, before = 0;
  while (cut < tables.size() && 2 * before < rows) before += (a.*(tables[cut++].rows)).size();
  // About 800 bytes a row: room for all of it, so that the text is not moved as it grows.
  constexpr std::size_t kRowBytes = 900;
  out.reserve(out.size() + rows * kRowBytes + 1024);
  std::string rest;
  std::exception_ptr failed;
  std::thread other;
  if (cut < tables.size() && rows >= 2048) {
    other = std::thread([&] {
      try {
        rest.reserve((rows - before) * kRowBytes + 1024);
        for (std::size_t i = cut; i < tables.size(); ++i) append_table(rest, tables[i], a);
      } catch (...) {
        failed = std::current_exception();
      }
    });
  } else {
    cut = tables.size();
  }
  try {
    for (std::size_t i = 0; i < cut; ++i) append_table(out, tables[i], a);
  } catch (...) {
    if (other.joinable()) other.join();
    throw;
  }
  if (other.joinable()) other.join();
  if (failed) std::rethrow_exception(failed);
  out += rest;
}

}  // namespace gridkeeper::web
