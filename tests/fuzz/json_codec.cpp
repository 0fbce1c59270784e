// The strict readers of JSON request bodies (web/json_codec and the settings, ratings and
// client keys of web/stats): the first byte chooses the reader, the rest is the body as
// the API receives it. What a reader accepts is written back, as the API would answer it.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "web/json_codec.hpp"
#include "web/stats.hpp"

using namespace gridkeeper;
using namespace gridkeeper::web;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::string_view text(reinterpret_cast<const char*>(data) + 1, size - 1);
  auto body = parse_object(text);
  if (!body) {
    (void)error_response(body.error());
    return 0;
  }
  const auto& o = *body;
  switch (data[0] % 11) {
    case 0:
      (void)to_json_text(o);
      break;
    case 1:
      (void)intake_from(o);
      break;
    case 2:
      (void)transition_from(o);
      break;
    case 3: {
      auto c = category_from(dispatch::Category{"environment", "环境卫生", dispatch::default_sla()}, o);
      if (c) (void)to_json_text(category_json(*c));
      break;
    }
    case 4:
      (void)credentials_from(o);
      break;
    case 5:
      (void)grid_owners_from(o);
      break;
    case 6:
      (void)duty_status_from_body(o);
      break;
    case 7:
      (void)emergency_mode_from(o);
      break;
    case 8: {
      auto r = rules_from(dispatch::AssessmentRules{}, o);
      if (r) (void)to_json_text(rules_json(*r));
      break;
    }
    case 9:
      (void)rating_from(o);
      break;
    default:
      (void)client_key_from(o);
      break;
  }
  return 0;
}
