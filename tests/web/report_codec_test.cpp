// CSV encoding, dates and periods at the API's edge, and UTF-8 checks.
#include <catch2/catch.hpp>

#include "web/csv.hpp"
#include "web/dates.hpp"
#include "web/text.hpp"

using namespace gridkeeper;
using namespace gridkeeper::web;

namespace {
constexpr dispatch::Millis T0 = 1'767'225'600'000;  // 2026-01-01T00:00:00Z
constexpr dispatch::Millis kHour = 3'600'000;
}  // namespace

TEST_CASE("CSV: byte order mark, RFC 4180 quoting, CRLF, Chinese text, numbers", "[csv]") {
  CsvWriter w;
  w.text("id").text("名称").text("note").end_row();
  w.number(std::int64_t{7}).text("一社区").text("逗号,引号\"和\n换行").end_row();
  w.number(0.666666666).number(1.5, 2).number(std::optional<double>{}).number(-0.00001).end_row();
  w.text("=SUM(A1:A9)").text("+1").text("-2").text("@cmd").text("\tx").text("a=b").end_row();
  w.text("").empty().boolean(true).end_row();
  CHECK(w.str() ==
        "\xEF\xBB\xBF"
        "id,名称,note\r\n"
        "7,一社区,\"逗号,引号\"\"和\n换行\"\r\n"
        "0.6667,1.5,,0\r\n"
        "\"'=SUM(A1:A9)\",\"'+1\",\"'-2\",\"'@cmd\",\"'\tx\",a=b\r\n"
        ",,true\r\n");

  auto r = csv_response(w.take(), "assessment-communities-2026-01-01-2026-03-31.csv");
  CHECK(r.status == 200);
  CHECK(r.content_type == "text/csv; charset=utf-8");
  REQUIRE(r.headers.size() >= 1);
  CHECK(r.headers[0].second == "attachment; filename=\"assessment-communities-2026-01-01-2026-03-31.csv\"");
  CHECK(r.body.rfind(std::string(kUtf8Bom), 0) == 0);
}

TEST_CASE("dates: ISO 8601 and W3C datetimes, local dates, periods and quarters", "[csv][dates]") {
  bool date_only = false;
  CHECK(parse_datetime("2026-01-01", &date_only) == T0 - 8 * kHour);  // midnight in Shanghai
  CHECK(date_only);
  CHECK(parse_datetime("2026-01-01T00:00:00Z", &date_only) == T0);
  CHECK_FALSE(date_only);
  CHECK(parse_datetime("2026-01-01T08:00:00+08:00") == T0);
  CHECK(parse_datetime("2026-01-01T08:00:00+0800") == T0);
  CHECK(parse_datetime("2025-12-31T19:00:00-05:00") == T0);
  CHECK(parse_datetime("2026-01-01T08:00") == T0);  // no offset: local
  CHECK(parse_datetime("2026-01-01T00:00:00.25Z") == T0 + 250);
  CHECK(parse_datetime("2026-01-01T00:00:00.123456Z") == T0 + 123);
  CHECK(parse_datetime("2024-02-29"));
  for (const char* bad :
       {"", "2026", "2026-1-1", "2026-13-01", "2026-02-29", "2025-02-29", "2026-04-31", "2026-01-01T24:00:00Z",
        "2026-01-01T12:60Z", "2026-01-01T12:00:61Z", "2026-01-01 12:00", "2026-01-01T12:00:00+15:00",
        "2026-01-01T12:00:00.Z", "2026-01-01T12:00:00Zjunk", "1969-12-31", "yesterday", "２０２６-01-01"}) {
    INFO(bad);
    CHECK_FALSE(parse_datetime(bad));
  }

  auto q1 = parse_period("2026-Q1");
  REQUIRE(q1);
  CHECK(q1->from == T0 - 8 * kHour);
  CHECK(q1->to == *parse_datetime("2026-04-01"));
  CHECK(parse_period("2026q4")->to == *parse_datetime("2027-01-01"));
  CHECK(parse_period("2026")->to == *parse_datetime("2027-01-01"));
  CHECK(parse_period("2026-02")->to == *parse_datetime("2026-03-01"));
  CHECK(parse_period("2026-12")->to == *parse_datetime("2027-01-01"));
  for (const char* bad : {"2026-Q0", "2026-Q5", "2026-13", "2026-00", "26", "2026-Q1x", "Q1"}) {
    INFO(bad);
    CHECK_FALSE(parse_period(bad));
  }
  CHECK(quarter_start(*parse_datetime("2026-05-17T12:00:00Z")) == *parse_datetime("2026-04-01"));
  // 2026-03-31T20:00Z is already 1 April in Shanghai.
  CHECK(quarter_start(*parse_datetime("2026-03-31T20:00:00Z")) == *parse_datetime("2026-04-01"));

  CHECK(w3c_datetime(T0 + 1234) == "2026-01-01T00:00:01Z");
  CHECK(local_datetime(T0) == "2026-01-01T08:00:00+08:00");
  CHECK(local_date(T0 - 8 * kHour - 1) == "2025-12-31");
}

TEST_CASE("UTF-8 checks for text that did not come through the JSON parser", "[csv]") {
  CHECK(valid_utf8("网格化管理 grid"));
  CHECK(valid_utf8("😀"));
  CHECK_FALSE(valid_utf8("\xFF"));
  CHECK_FALSE(valid_utf8("\xE7\xBD"));          // cut off
  CHECK_FALSE(valid_utf8("\xC0\xAF"));          // overlong
  CHECK_FALSE(valid_utf8("\xED\xA0\x80"));      // a surrogate
  CHECK_FALSE(valid_utf8("\xF4\x90\x80\x80"));  // beyond U+10FFFF
  CHECK_FALSE(valid_utf8(std::string("a\0b", 3)));
  CHECK(utf8_prefix("网格化管理", 2) == "网格");
  CHECK(utf8_prefix("ab", 5) == "ab");
}
