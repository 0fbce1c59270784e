#include "web/ui_policy.hpp"

#include <boost/json.hpp>
#include <cctype>
#include <fstream>
#include <sstream>
#include <vector>

namespace gridkeeper::web {

namespace {

constexpr std::string_view kCsp = "Content-Security-Policy";

bool has_header(const Response& r, std::string_view name) {
  for (const auto& [k, v] : r.headers) {
    if (k.size() != name.size()) continue;
    bool same = true;
    for (std::size_t i = 0; i < k.size() && same; ++i)
      same = std::tolower(static_cast<unsigned char>(k[i])) == std::tolower(static_cast<unsigned char>(name[i]));
    if (same) return true;
  }
  return false;
}

void add_absent(Response& r, std::string_view name, std::string_view value) {
  if (!has_header(r, name)) r.headers.emplace_back(std::string(name), std::string(value));
}

bool host_label_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '-'; }

// A host name whose labels are letters, digits and hyphens; the first label may be a
// placeholder such as {s}, which becomes the wildcard `*`.
std::string host_source(std::string_view host) {
  if (host.empty()) return {};
  if (host.front() == '[') {  // an IPv6 literal
    if (host.back() != ']' || host.size() < 3) return {};
    for (char c : host.substr(1, host.size() - 2))
      if (!std::isxdigit(static_cast<unsigned char>(c)) && c != ':') return {};
    return std::string(host);
  }
  std::string out;
  std::size_t start = 0;
  for (bool first = true;; first = false) {
    const auto dot = host.find('.', start);
    const auto label = host.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start);
    if (label.empty()) return {};
    if (label.find('{') != std::string_view::npos) {
      // Only the leading label may vary (`{s}.tile…`, `t{s}.map…`), and only with something
      // fixed after it; the whole label becomes the wildcard.
      if (!first || dot == std::string_view::npos) return {};
      for (char c : label)
        if (!host_label_char(c) && c != '{' && c != '}') return {};
      out += '*';
    } else {
      for (char c : label)
        if (!host_label_char(c)) return {};
      for (char c : label) out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    if (dot == std::string_view::npos) break;
    out += '.';
    start = dot + 1;
  }
  return out;
}

}  // namespace

std::string tile_origin(std::string_view url) {
  while (!url.empty() && std::isspace(static_cast<unsigned char>(url.front()))) url.remove_prefix(1);
  while (!url.empty() && std::isspace(static_cast<unsigned char>(url.back()))) url.remove_suffix(1);
  std::string scheme;
  for (std::string_view s : {"https://", "http://"}) {
    if (url.size() < s.size()) continue;
    bool same = true;
    for (std::size_t i = 0; i < s.size() && same; ++i) same = std::tolower(static_cast<unsigned char>(url[i])) == s[i];
    if (same) {
      scheme = std::string(s.substr(0, s.size() - 3));
      url.remove_prefix(s.size());
      break;
    }
  }
  if (scheme.empty()) return {};
  const auto authority = url.substr(0, url.find_first_of("/?#"));
  if (authority.find('@') != std::string_view::npos) return {};
  std::string_view host = authority, port;
  if (const auto colon = authority.rfind(':');
      colon != std::string_view::npos && authority.find(']', colon) == std::string_view::npos) {
    host = authority.substr(0, colon);
    port = authority.substr(colon + 1);
    if (port.empty() || port.size() > 5) return {};
    for (char c : port)
      if (!std::isdigit(static_cast<unsigned char>(c))) return {};
  }
  const auto source = host_source(host);
  if (source.empty()) return {};
  return scheme + "://" + source + (port.empty() ? "" : ":" + std::string(port));
}

std::string ui_content_security_policy(std::string_view tile_origin) {
  std::string img = "img-src 'self' data: blob:";
  if (!tile_origin.empty()) img += " " + std::string(tile_origin);
  // 'self' in connect-src also covers ws:// and wss:// to this host and port (CSP 3).
  return "default-src 'self'; script-src 'self'; style-src 'self'; " + img +
         "; connect-src 'self'; font-src 'self'; media-src 'self'; object-src 'none'; base-uri 'none'; "
         "form-action 'self'; frame-ancestors 'none'";
}

UiPolicy load_ui_policy(const std::string& ui_dir, std::string* warning) {
  UiPolicy p;
  // The tile URLs of config.json: `tile_url`, and the `url` of each of `basemaps` (XYZ
  // templates and WMTS services).
  std::vector<std::string> urls;
  if (!ui_dir.empty()) {
    std::ifstream in(ui_dir + "/config.json", std::ios::binary);
    if (in) {
      std::ostringstream text;
      text << in.rdbuf();
      boost::system::error_code ec;
      const auto config = boost::json::parse(text.str(), ec);
      if (!ec && config.is_object()) {
        if (const auto* u = config.as_object().if_contains("tile_url"); u && u->is_string())
          urls.emplace_back(u->as_string());
        if (const auto* layers = config.as_object().if_contains("basemaps"); layers && layers->is_array())
          for (const auto& layer : layers->as_array())
            if (const auto* u = layer.is_object() ? layer.as_object().if_contains("url") : nullptr; u && u->is_string())
              urls.emplace_back(u->as_string());
      }
    }
  }
  for (const auto& url : urls) {
    const auto origin = tile_origin(url);
    if (origin.empty()) {
      const bool relative = !url.empty() && url.front() == '/' && (url.size() < 2 || url[1] != '/');
      if (!url.empty() && !relative && warning)
        *warning =
            "the tile URL " + url + " of config.json is not a plain http(s) URL; the browser will not load its tiles";
      continue;
    }
    if ((" " + p.tile_origin + " ").find(" " + origin + " ") != std::string::npos) continue;
    p.tile_origin += (p.tile_origin.empty() ? "" : " ") + origin;
  }
  p.content_security_policy = ui_content_security_policy(p.tile_origin);
  return p;
}

void add_ui_headers(Response& r, const UiPolicy& policy) {
  add_absent(r, kCsp, policy.content_security_policy);
  add_absent(r, "X-Frame-Options", "DENY");
  add_common_headers(r);
}

void add_common_headers(Response& r) {
  add_absent(r, "X-Content-Type-Options", "nosniff");
  add_absent(r, "Referrer-Policy", "no-referrer");
  add_absent(r, kCsp, "default-src 'none'; frame-ancestors 'none'");
}

}  // namespace gridkeeper::web
