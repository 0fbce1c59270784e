#include "data/workers_csv.hpp"

#include "dispatch/text_rules.hpp"

#include <fstream>
#include <map>
#include <set>

namespace gridkeeper::data {

namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// The line of the first byte that is not well-formed UTF-8, or 0.
std::size_t first_bad_utf8_line(std::string_view s) {
  std::size_t line = 1;
  for (std::size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c == '\n') ++line;
    std::size_t n = 0;
    std::uint32_t cp = 0, min = 0;
    if (c < 0x80) n = 0;
    else if ((c & 0xE0) == 0xC0) n = 1, cp = c & 0x1F, min = 0x80;
    else if ((c & 0xF0) == 0xE0) n = 2, cp = c & 0x0F, min = 0x800;
    else if ((c & 0xF8) == 0xF0) n = 3, cp = c & 0x07, min = 0x10000;
    else return line;
    for (std::size_t k = 1; k <= n; ++k) {
      if (i + k >= s.size()) return line;
      const auto d = static_cast<unsigned char>(s[i + k]);
      if ((d & 0xC0) != 0x80) return line;
      cp = (cp << 6) | (d & 0x3F);
    }
    if (n > 0 && (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))) return line;
    i += n + 1;
  }
  return 0;
}

std::vector<std::string> split_codes(std::string_view cell) {
  std::vector<std::string> codes;
  std::set<std::string_view> seen;
  while (true) {
    const auto semi = cell.find(';');
    const auto code = trim(cell.substr(0, semi));
    if (!code.empty() && seen.insert(code).second) codes.emplace_back(code);
    if (semi == std::string_view::npos) break;
    cell.remove_prefix(semi + 1);
  }
  return codes;
}

}  // namespace

std::vector<CsvRecord> split_csv(std::string_view text, const CsvLimits& limits, std::vector<LineProblem>& problems) {
  std::vector<CsvRecord> records;
  std::size_t line = 1, i = 0;
  const std::size_t n = text.size();
  while (i < n) {
    CsvRecord record;
    record.line = line;
    bool end_of_record = false;
    bool failed = false;
    while (!end_of_record) {
      std::string field;
      if (i < n && text[i] == '"') {
        ++i;
        while (true) {
          if (i >= n) {
            problems.push_back({record.line, "a quoted field is not closed"});
            return records;
          }
          if (text[i] == '"') {
            if (i + 1 < n && text[i + 1] == '"') {
              field += '"';
              i += 2;
              continue;
            }
            ++i;
            break;
          }
          if (text[i] == '\n') ++line;
          field += text[i++];
        }
        if (i < n && text[i] != ',' && text[i] != '\n' && text[i] != '\r') {
          problems.push_back({line, "text after the closing quote of a field"});
          failed = true;
          while (i < n && text[i] != '\n') ++i;  // skip the rest of the line
        }
      } else {
        // A quote inside an unquoted field is taken literally.
        while (i < n && text[i] != ',' && text[i] != '\n' && text[i] != '\r') field += text[i++];
      }
      if (field.size() > limits.max_field_bytes && !failed) {
        problems.push_back(
            {record.line, "a field is longer than " + std::to_string(limits.max_field_bytes) + " bytes"});
        failed = true;
      }
      record.fields.push_back(std::move(field));
      if (i >= n) {
        end_of_record = true;
      } else if (text[i] == ',') {
        ++i;
      } else {
        // \n, \r\n or a lone \r ends the record.
        if (text[i] == '\r') ++i;
        if (i < n && text[i] == '\n') ++i;
        ++line;
        end_of_record = true;
      }
    }
    if (failed) continue;
    const bool blank = record.fields.size() == 1 && trim(record.fields[0]).empty();
    if (blank) continue;
    if (records.size() >= limits.max_rows) {
      problems.push_back({record.line, "more than " + std::to_string(limits.max_rows) + " rows"});
      return records;
    }
    records.push_back(std::move(record));
  }
  return records;
}

WorkersFile parse_workers_csv(std::string_view text, const CsvLimits& limits) {
  WorkersFile file;
  auto& problems = file.problems;
  if (text.size() > limits.max_bytes) {
    problems.push_back({0, "the file is larger than " + std::to_string(limits.max_bytes) + " bytes"});
    return file;
  }
  if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);  // a BOM, as spreadsheets write
  if (const auto bad = first_bad_utf8_line(text)) {
    problems.push_back({bad, "not UTF-8 text (save the file as UTF-8)"});
    return file;
  }
  auto records = split_csv(text, limits, problems);
  if (!problems.empty()) return file;
  if (records.empty()) {
    problems.push_back({0, "the file is empty; it needs the header " + std::string(kWorkersHeader)});
    return file;
  }
  {
    std::string header;
    for (std::size_t i = 0; i < records[0].fields.size(); ++i) header += (i ? "," : "") + records[0].fields[i];
    if (header != kWorkersHeader) {
      problems.push_back({records[0].line, "the header must be exactly " + std::string(kWorkersHeader) + " (found " +
                                               header.substr(0, 200) + ")"});
      return file;
    }
  }
  std::map<std::string, std::size_t> id_line;
  // grid -> (worker, line) of its A and B holders in this file
  std::map<std::string, std::pair<std::string, std::size_t>> owners, backups;
  for (std::size_t r = 1; r < records.size(); ++r) {
    const auto& rec = records[r];
    const std::size_t line = rec.line;
    if (rec.fields.size() != 6) {
      problems.push_back({line, "expected 6 fields, found " + std::to_string(rec.fields.size())});
      continue;
    }
    WorkerRow row;
    row.line = line;
    row.worker.id = trim(rec.fields[0]);
    row.worker.name = trim(rec.fields[1]);
    row.worker.phone = trim(rec.fields[2]);
    row.worker.community = trim(rec.fields[3]);
    row.owner_of = split_codes(rec.fields[4]);
    row.backup_of = split_codes(rec.fields[5]);
    bool ok = true;
    auto bad = [&](std::string message) {
      problems.push_back({line, std::move(message)});
      ok = false;
    };
    if (row.worker.id.empty()) bad("missing worker_id");
    else if (!dispatch::valid_identifier(row.worker.id))
      bad("worker_id " + row.worker.id + " is not " + std::string(dispatch::kIdentifierRule));
    if (row.worker.name.empty()) bad("missing name");
    // A quoted name may run over lines; other controls and bidi characters are refused.
    else if (auto e = dispatch::check_text(row.worker.name, 200, "name", dispatch::TextKind::multiline))
      bad(e->message);
    if (auto e = dispatch::check_text(row.worker.phone, 200, "phone")) bad(e->message);
    if (row.worker.community.empty()) bad("missing community");
    if (row.owner_of.size() + row.backup_of.size() > limits.max_grids_per_worker)
      bad("more than " + std::to_string(limits.max_grids_per_worker) + " grids");
    if (!row.worker.id.empty()) {
      auto [it, added] = id_line.emplace(row.worker.id, line);
      if (!added) bad("duplicate worker_id " + row.worker.id + " (first on line " + std::to_string(it->second) + ")");
    }
    if (!ok) continue;
    for (const auto& g : row.owner_of) {
      auto [it, added] = owners.emplace(g, std::pair{row.worker.id, line});
      if (!added)
        bad("grid " + g + " already has an owner (A post) in this file: " + it->second.first + " on line " +
            std::to_string(it->second.second));
    }
    for (const auto& g : row.backup_of) {
      auto [it, added] = backups.emplace(g, std::pair{row.worker.id, line});
      if (!added)
        bad("grid " + g + " already has a backup (B post) in this file: " + it->second.first + " on line " +
            std::to_string(it->second.second));
      if (auto o = owners.find(g); o != owners.end() && o->second.first == row.worker.id)
        bad(row.worker.id + " cannot hold both the A and the B post of grid " + g);
    }
    if (ok) file.rows.push_back(std::move(row));
  }
  return file;
}

WorkersFile read_workers_csv(const std::string& path, const CsvLimits& limits) {
  WorkersFile file;
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    file.problems.push_back({0, "cannot open " + path});
    return file;
  }
  in.seekg(0, std::ios::end);
  const auto size = static_cast<std::size_t>(in.tellg());
  if (size > limits.max_bytes) {
    file.problems.push_back({0, "the file is larger than " + std::to_string(limits.max_bytes) + " bytes"});
    return file;
  }
  in.seekg(0);
  std::string text(size, '\0');
  in.read(text.data(), static_cast<std::streamsize>(size));
  return parse_workers_csv(text, limits);
}

std::string format_problem(const LineProblem& p, std::string_view source) {
  std::string out(source);
  if (p.line) out.append(":").append(std::to_string(p.line));
  out.append(": ").append(p.message);
  return out;
}

}  // namespace gridkeeper::data
