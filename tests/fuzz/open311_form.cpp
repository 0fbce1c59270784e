// Open311 POST requests.json bodies (open311::submission_from), form-encoded or JSON: the
// first byte chooses the Content-Type, the rest is the body.
#include <cstddef>
#include <cstdint>
#include <string>

#include "city.hpp"
#include "web/open311.hpp"

using namespace gridkeeper;
using namespace gridkeeper::web;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  static const char* const types[] = {"application/x-www-form-urlencoded", "application/json",
                                      "application/x-www-form-urlencoded; charset=utf-8", "text/plain", ""};
  Request r;
  r.method = Method::post;
  r.target = "/open311/v2/requests.json";
  r.content_type = types[data[0] % 5];
  r.body.assign(reinterpret_cast<const char*>(data) + 1, size - 1);
  r.peer = "127.0.0.1";
  (void)open311::submission_from(fuzz::city(), r);
  return 0;
}
