// Query strings and dates (web/dates, stats_request, Open311's requests_query): the first
// byte chooses the parser; the rest is a date or period, or a request target's query
// string, split into parameters by the router's own reader (web/params).
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "city.hpp"
#include "web/dates.hpp"
#include "web/open311.hpp"
#include "web/params.hpp"
#include "web/stats.hpp"

using namespace gridkeeper;
using namespace gridkeeper::web;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::string_view text(reinterpret_cast<const char*>(data) + 1, size - 1);
  switch (data[0] % 4) {
    case 0: {
      bool date_only = false;
      if (auto t = parse_datetime(text, &date_only)) {
        (void)w3c_datetime(*t);
        (void)local_datetime(*t);
        (void)local_date(*t);
        (void)quarter_start(*t);
      }
      break;
    }
    case 1:
      if (auto p = parse_period(text)) (void)local_date(p->from);
      break;
    default: {
      auto target = parse_target("/api/v1/stats?" + std::string(text));
      if (!target) break;
      const QueryParams& params = target->query;
      if (data[0] % 4 == 2) (void)stats_request(params, fuzz::now());
      else (void)open311::requests_query(fuzz::city(), params, fuzz::now());
      break;
    }
  }
  return 0;
}
