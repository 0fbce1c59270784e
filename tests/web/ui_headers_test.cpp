// The browser's defences as headers: the UI's files come with a Content-Security-Policy
// that allows no inline script and nothing from another origin but the configured tile
// server's images, and with X-Frame-Options; every answer, the API's too, with nosniff and
// no-referrer.
#include <catch2/catch.hpp>

#include <filesystem>

#include "fixture.hpp"
#include "web/ui_policy.hpp"

using namespace gridkeeper;
using namespace gridkeeper::testing;

namespace {

// A UI directory of three files, and config.json when `config` is not empty.
void write_ui(const TempDir& ui, const std::string& config) {
  std::filesystem::create_directories(ui.file("js"));
  write_text(ui.file("index.html"),
             "<!doctype html><html><head><link rel=\"icon\" href=\"data:,\"></head>"
             "<body><script type=\"module\" src=\"js/main.js\"></script></body></html>");
  write_text(ui.file("js/main.js"), "export const ok = 1;\n");
  write_text(ui.file("app.css"), "body { margin: 0; }\n");
  if (!config.empty()) write_text(ui.file("config.json"), config);
}

web::ServerOptions options_with_ui(const TempDir& ui) {
  auto o = test_options();
  o.api.ui_dir = ui.file("");
  return o;
}

std::string header(const Answer& a, const std::string& name) {
  auto it = a.headers.find(name);
  return it == a.headers.end() ? std::string() : it->second;
}

// The directives of a policy, by name.
std::map<std::string, std::string> directives(const std::string& csp) {
  std::map<std::string, std::string> out;
  std::size_t start = 0;
  while (start < csp.size()) {
    auto end = csp.find(';', start);
    if (end == std::string::npos) end = csp.size();
    auto part = csp.substr(start, end - start);
    while (!part.empty() && part.front() == ' ') part.erase(0, 1);
    const auto space = part.find(' ');
    if (!part.empty()) out[part.substr(0, space)] = space == std::string::npos ? "" : part.substr(space + 1);
    start = end + 1;
  }
  return out;
}

void check_common(const Answer& a) {
  CHECK(header(a, "x-content-type-options") == "nosniff");
  CHECK(header(a, "referrer-policy") == "no-referrer");
}

void check_ui_answer(const Answer& a, const std::string& img_src) {
  REQUIRE(a.status == 200);
  check_common(a);
  CHECK(header(a, "x-frame-options") == "DENY");
  const auto d = directives(header(a, "content-security-policy"));
  CHECK(d.at("default-src") == "'self'");
  CHECK(d.at("script-src") == "'self'");
  CHECK(d.at("style-src") == "'self'");
  CHECK(d.at("img-src") == img_src);
  CHECK(d.at("connect-src") == "'self'");
  CHECK(d.at("font-src") == "'self'");
  CHECK(d.at("object-src") == "'none'");
  CHECK(d.at("base-uri") == "'none'");
  CHECK(d.at("form-action") == "'self'");
  CHECK(d.at("frame-ancestors") == "'none'");
  for (const auto& [name, value] : d) {
    INFO(name);
    CHECK(value.find("unsafe") == std::string::npos);
    CHECK((value.find('*') == std::string::npos || name == "img-src"));
  }
}

void check_api_answer(const Answer& a) {
  check_common(a);
  const auto d = directives(header(a, "content-security-policy"));
  CHECK(d.at("default-src") == "'none'");
  CHECK(d.at("frame-ancestors") == "'none'");
}

}  // namespace

TEST_CASE("the UI's files carry a Content-Security-Policy without a tile server", "[security]") {
  TempDir ui;
  write_ui(ui, R"({"tile_url": null, "tile_attribution": "", "max_zoom": 19})");
  ServerFixture f(options_with_ui(ui));
  auto c = f.client();
  for (const std::string path : {"/", "/index.html", "/js/main.js", "/app.css", "/config.json"}) {
    INFO(path);
    check_ui_answer(c->get(path), "'self' data: blob:");
  }
  CHECK(c->get("/js/main.js").headers.at("content-type").find("text/javascript") == 0);

  // API answers: an anonymous one, a signed-in one, an error and a file that is not there.
  check_api_answer(c->get("/healthz"));
  auto op = f.client("op");
  const auto route = op->get("/api/v1/route?lon=118.305&lat=24.605");
  CHECK(route.status == 200);
  check_api_answer(route);
  const auto refused = c->get("/api/v1/cases");
  CHECK(refused.status == 401);
  check_api_answer(refused);
  const auto missing = c->get("/js/none.js");
  CHECK(missing.status == 404);
  check_api_answer(missing);
  check_api_answer(c->get("/open311/v2/services.json"));
}

TEST_CASE("the configured tile server's origin is allowed for images only", "[security]") {
  TempDir ui;
  write_ui(ui, R"({"tile_url": "https://{s}.Tiles.example.gov.cn:8443/{z}/{x}/{y}.png?k=1", "max_zoom": 19})");
  ServerFixture f(options_with_ui(ui));
  auto c = f.client();
  for (const std::string path : {"/", "/index.html", "/js/main.js"}) {
    INFO(path);
    check_ui_answer(c->get(path), "'self' data: blob: https://*.tiles.example.gov.cn:8443");
  }
  check_api_answer(c->get("/healthz"));
}

TEST_CASE("a UI directory without config.json gets the policy without tiles", "[security]") {
  TempDir ui;
  write_ui(ui, "");
  ServerFixture f(options_with_ui(ui));
  auto c = f.client();
  check_ui_answer(c->get("/"), "'self' data: blob:");
}

TEST_CASE("a tile URL becomes a CSP source only when it is a plain http(s) URL", "[security]") {
  using web::tile_origin;
  CHECK(tile_origin("https://tiles.example.org/{z}/{x}/{y}.png") == "https://tiles.example.org");
  CHECK(tile_origin("  http://10.1.2.3:8080/t/{z}/{x}/{y}.png ") == "http://10.1.2.3:8080");
  CHECK(tile_origin("https://t{s}.tianditu.gov.cn/img_w/wmts?x={x}") == "https://*.tianditu.gov.cn");
  CHECK(tile_origin("HTTPS://[fd00::1]:8443/{z}/{x}/{y}.png") == "https://[fd00::1]:8443");
  CHECK(tile_origin("https://tiles.example.org") == "https://tiles.example.org");
  // Same origin, or nothing that a policy could name safely.
  CHECK(tile_origin("") == "");
  CHECK(tile_origin("/tiles/{z}/{x}/{y}.png") == "");
  CHECK(tile_origin("//tiles.example.org/{z}/{x}/{y}.png") == "");
  CHECK(tile_origin("javascript:alert(1)//") == "");
  CHECK(tile_origin("data:image/png;base64,AAAA") == "");
  CHECK(tile_origin("https://evil.example; script-src *") == "");
  CHECK(tile_origin("https://a.example 'unsafe-inline'/x") == "");
  CHECK(tile_origin("https://user:pw@tiles.example.org/x") == "");
  CHECK(tile_origin("https://{s}/x") == "");
  CHECK(tile_origin("https://tiles.{s}.example.org/x") == "");
  CHECK(tile_origin("https://tiles.example.org:port/x") == "");
  CHECK(tile_origin("https://tiles..example.org/x") == "");
  CHECK(web::ui_content_security_policy("").find("img-src 'self' data: blob:;") != std::string::npos);
}
