#pragma once
// CSV for spreadsheets (RFC 4180): UTF-8 with a byte order mark, so that spreadsheet
// programs on Chinese Windows read it as UTF-8 and not as GBK; CRLF line ends; a field
// with a comma, quote or line break is quoted, its quotes doubled. Text that a
// spreadsheet would run as a formula (= + - @ at the start) gets a leading apostrophe.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "web/message.hpp"

namespace gridkeeper::web {

inline constexpr std::string_view kUtf8Bom = "\xEF\xBB\xBF";

class CsvWriter {
 public:
  CsvWriter() : out_(kUtf8Bom) {}
  CsvWriter& text(std::string_view value);
  CsvWriter& number(std::int64_t value);
  CsvWriter& number(double value, int decimals = 4);                        // trailing zeros trimmed
  CsvWriter& number(const std::optional<double>& value, int decimals = 4);  // empty when none
  CsvWriter& empty();
  CsvWriter& boolean(bool value) { return text(value ? "true" : "false"); }
  void end_row();
  const std::string& str() const { return out_; }
  // Forgets what was written (the byte order mark too), keeping the buffer: a streamed
  // answer hands each part on and writes on.
  void clear() { out_.clear(); }
  std::string take() { return std::move(out_); }

 private:
  void separate();
  std::string out_;
  bool row_started_ = false;
};

// text/csv; charset=utf-8, offered for download as `filename` (ASCII).
Response csv_response(std::string body, const std::string& filename);

}  // namespace gridkeeper::web
