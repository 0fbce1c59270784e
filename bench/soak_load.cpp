// The load of bench_soak (see soak_load.hpp): coroutines on one io_context thread.
#include "bench/soak_load.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <deque>
#include <optional>
#include <set>

namespace gridkeeper::soak {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
using tcp = net::ip::tcp;
using Clock = std::chrono::steady_clock;
using net::awaitable;
using net::use_awaitable;

const char* route_name(int route) {
  static const char* names[kRoutes] = {
      "POST /cases",        "accept",           "resolve",           "close",          "cancel",
      "POST /photos",       "POST /auth/login", "POST /auth/logout", "GET assessment", "GET trends",
      "GET assessment csv", "GET /cases csv",   "live feed connect"};
  return names[route];
}

void RouteCounts::add(const RouteCounts& o) {
  requests += o.requests, ok += o.ok, limited += o.limited, client_errors += o.client_errors;
  server_errors += o.server_errors, transport += o.transport;
  latencies_us.insert(latencies_us.end(), o.latencies_us.begin(), o.latencies_us.end());
}

void Counts::record(int route, int status, std::uint32_t us) {
  auto& r = routes[route];
  ++r.requests;
  if (status == 0) ++r.transport;
  else if (status < 300 || status == 101) ++r.ok;
  else if (status == 429) ++r.limited;
  else if (status < 500) ++r.client_errors;
  else ++r.server_errors;
  if (status != 0) r.latencies_us.push_back(us);
}

void Counts::add(const Counts& o) {
  for (int i = 0; i < kRoutes; ++i) routes[i].add(o.routes[i]);
  feed_messages += o.feed_messages, feed_dropped += o.feed_dropped;
}

namespace {

struct Answer {
  int status = 0;
  std::string body;
};

// A keep-alive HTTP connection, reconnecting when the server has closed it.
class Http {
 public:
  // `source`: the local address, one per connection (the server takes at most 64 connections
  // from one address).
  Http(net::any_io_executor ex, tcp::endpoint at, net::ip::address source = {}) : ex_(ex), at_(at), source_(source) {}

  awaitable<Answer> call(http::verb verb, const std::string& target, const std::string& token, std::string body = {},
                         const char* type = "application/json") {
    Answer a;
    try {
      if (!stream_) {
        stream_.emplace(ex_);
        stream_->expires_after(std::chrono::seconds(30));
        if (!source_.is_unspecified()) {
          stream_->socket().open(tcp::v4());
          stream_->socket().bind(tcp::endpoint(source_, 0));
        }
        co_await stream_->async_connect(at_, use_awaitable);
        stream_->socket().set_option(tcp::no_delay(true));
      }
      http::request<http::string_body> req{verb, target, 11};
      req.set(http::field::host, "soak");
      if (!token.empty()) req.set(http::field::authorization, "Bearer " + token);
      if (!body.empty() || verb == http::verb::post) {
        req.set(http::field::content_type, type);
        req.body() = std::move(body);
      }
      req.prepare_payload();
      stream_->expires_after(std::chrono::seconds(60));
      co_await http::async_write(*stream_, req, use_awaitable);
      http::response_parser<http::string_body> parser;
      parser.body_limit(64u << 20);
      co_await http::async_read(*stream_, buffer_, parser, use_awaitable);
      auto res = parser.release();
      a.status = res.result_int();
      a.body = std::move(res.body());
      static int shown = 0;  // the first few 5xx, for a diagnosis
      if (a.status >= 500 && ++shown <= 10)
        std::fprintf(stderr, "bench_soak: %d on %s: %.200s\n", a.status, target.c_str(), a.body.c_str());
      if (!res.keep_alive()) reset();
    } catch (const std::exception&) {
      reset();
      a.status = 0;
    }
    co_return a;
  }

 private:
  void reset() {
    if (stream_) {
      beast::error_code ec;
      stream_->socket().close(ec);
    }
    stream_.reset();
    buffer_.clear();
  }
  net::any_io_executor ex_;
  tcp::endpoint at_;
  net::ip::address source_;
  std::optional<beast::tcp_stream> stream_;
  beast::flat_buffer buffer_;
};

// The number after `"name":` in a JSON text, or the string value.
std::int64_t json_number(std::string_view text, std::string_view name) {
  const auto key = "\"" + std::string(name) + "\":";
  const auto at = text.find(key);
  return at == std::string_view::npos ? 0 : std::atoll(text.data() + at + key.size());
}
std::string json_text(std::string_view text, std::string_view name) {
  const auto key = "\"" + std::string(name) + "\":\"";
  const auto at = text.find(key);
  if (at == std::string_view::npos) return {};
  const auto end = text.find('"', at + key.size());
  return std::string(text.substr(at + key.size(), end - at - key.size()));
}

std::string utc_iso(std::chrono::system_clock::time_point t) {
  const auto s = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  ::gmtime_r(&s, &tm);
  char out[32];
  std::strftime(out, sizeof out, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return out;
}

// Small images: the signature of each kind and filler; the server checks the signature.
std::string image(bool png, std::size_t size, std::mt19937_64& rng) {
  std::string bytes = png ? std::string("\x89PNG\r\n\x1A\n", 8) : std::string("\xFF\xD8\xFF\xE0", 4);
  while (bytes.size() < size) bytes.push_back(static_cast<char>(rng()));
  return bytes;
}

struct Followup {
  std::int64_t id = 0, version = 0;
  std::string worker;  // empty: the operator cancels it
  int step = 0;        // lifecycle: 0 accept, 1 photo, 2 resolve, 3 close
  bool with_photo = false;
};

}  // namespace

struct Load::Impl {
  LoadOptions o;
  net::io_context ioc{1};
  tcp::endpoint at;
  Counts window;
  bool stopping = false;
  int running = 0;  // coroutines still going
  std::deque<Followup> followups;
  std::set<net::steady_timer*> leaving;  // live-feed clients' goodbyes
  std::mt19937_64 rng{42};
  std::size_t next_point = 0;
  Clock::time_point start;

  explicit Impl(LoadOptions options) : o(std::move(options)), at(net::ip::make_address("127.0.0.1"), o.port) {}

  // One loopback address per connection: 127.0.<group>.<k + 1>.
  static net::ip::address source(int group, int k) {
    return net::ip::make_address_v4(static_cast<net::ip::address_v4::uint_type>((127u << 24) | (group << 8) | (k + 1)));
  }

  std::uint32_t since(Clock::time_point t) {
    return static_cast<std::uint32_t>(std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - t).count());
  }

  awaitable<Answer> timed(Http& h, int route, http::verb verb, const std::string& target, const std::string& token,
                          std::string body = {}, const char* type = "application/json") {
    const auto t0 = Clock::now();
    auto a = co_await h.call(verb, target, token, std::move(body), type);
    window.record(route, a.status, since(t0));
    co_return a;
  }

  awaitable<void> pause(double seconds) {
    net::steady_timer t(ioc, std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds)));
    co_await t.async_wait(use_awaitable);
  }

  // Intakes at rate / connections each, on a schedule: a connection behind it sends at once.
  awaitable<void> intakes(int k) {
    Http h(ioc.get_executor(), at, source(1, k));
    const auto interval = std::chrono::duration<double>(o.intake_connections / o.rate);
    auto next = start + std::chrono::duration_cast<Clock::duration>(interval * (k / double(o.intake_connections)));
    static const char* urgencies[] = {"yellow", "orange", "red"};
    for (std::uint64_t n = 0; !stopping; ++n) {
      if (next > Clock::now()) {
        net::steady_timer t(ioc, next);
        co_await t.async_wait(use_awaitable);
      }
      next = std::max(next + std::chrono::duration_cast<Clock::duration>(interval),
                      Clock::now() - std::chrono::seconds(1));
      const auto& p = o.points[next_point++ % o.points.size()];
      char body[320];
      std::snprintf(body, sizeof body,
                    R"({"lon":%.6f,"lat":%.6f,"category":"environment","urgency":"%s","title":"soak %d-%llu",)"
                    R"("description":"soak test case","source":"hotline"})",
                    p.lon, p.lat, urgencies[n % 3], k, static_cast<unsigned long long>(n));
      auto a = co_await timed(h, Route::intake, http::verb::post, "/api/v1/cases", o.operator_token, body);
      if (a.status != 201) continue;
      Followup f;
      f.id = json_number(a.body, "id");
      f.version = json_number(a.body, "version");
      f.worker = json_text(a.body, "assignee_id");
      if (!o.worker_tokens.count(f.worker)) f.worker.clear();
      f.with_photo = std::uniform_real_distribution<>(0, 1)(rng) < o.photo_share;
      followups.push_back(std::move(f));
    }
  }

  // Works each case on: cancelled by the operator, or accepted (a photo), resolved by its
  // worker and closed by the operator.
  awaitable<void> followers(int k) {
    Http h(ioc.get_executor(), at, source(2, k));
    while (!stopping) {
      if (followups.empty()) {
        co_await pause(0.002);
        continue;
      }
      auto f = std::move(followups.front());
      followups.pop_front();
      const auto base = "/api/v1/cases/" + std::to_string(f.id);
      auto act = [&](const char* action) {
        return R"({"action":")" + std::string(action) + R"(","version":)" + std::to_string(f.version) + "}";
      };
      Answer a;
      if (f.worker.empty()) {
        co_await timed(h, Route::cancel, http::verb::post, base + "/transitions", o.operator_token, act("cancel"));
        continue;
      }
      const auto& worker = o.worker_tokens.at(f.worker);
      switch (f.step) {
        case 0:
          a = co_await timed(h, Route::accept, http::verb::post, base + "/transitions", worker, act("accept"));
          break;
        case 1: {
          const bool png = rng() % 2;
          const auto bytes = image(png, 1024 + rng() % 7168, rng);
          a = co_await timed(h, Route::photo, http::verb::post, base + "/photos", worker, bytes,
                             png ? "image/png" : "image/jpeg");
          break;
        }
        case 2:
          a = co_await timed(h, Route::resolve, http::verb::post, base + "/transitions", worker, act("resolve"));
          break;
        default:
          a = co_await timed(h, Route::close, http::verb::post, base + "/transitions", o.operator_token, act("close"));
      }
      if (a.status != 200 && a.status != 201) continue;             // counted; the case is left as it is
      if (f.step != 1) f.version = json_number(a.body, "version");  // a photo leaves the version as it is
      if (f.step == 3) continue;
      f.step = f.step == 0 && !f.with_photo ? 2 : f.step + 1;
      followups.push_back(std::move(f));
    }
  }

  awaitable<void> logins() {
    Http h(ioc.get_executor(), at, source(3, 0));
    for (std::size_t n = 0; !stopping; ++n) {
      const auto& [user, password] = o.logins[n % o.logins.size()];
      auto a = co_await timed(h, Route::login, http::verb::post, "/api/v1/auth/login", {},
                              R"({"username":")" + user + R"(","password":")" + password + R"("})");
      if (a.status == 200)
        co_await timed(h, Route::logout, http::verb::post, "/api/v1/auth/logout", json_text(a.body, "token"));
      co_await pause(1.0 / o.logins_per_second);
    }
  }

  awaitable<void> reports(int k) {
    Http h(ioc.get_executor(), at, source(4, k));
    const auto& token = o.report_tokens[k % o.report_tokens.size()];
    for (std::size_t n = k; !stopping; ++n) {
      // A window of the last two minutes, so the reads do not grow with the database.
      const auto now = std::chrono::system_clock::now();
      const auto window_q =
          "from=" + utc_iso(now - std::chrono::minutes(2)) + "&to=" + utc_iso(now + std::chrono::seconds(1));
      const auto scope = "&scope=" + o.report_scopes[n % o.report_scopes.size()];
      switch (n % 4) {
        case 0:
          co_await timed(h, Route::assessment, http::verb::get, "/api/v1/stats/assessment?" + window_q + scope, token);
          break;
        case 1:
          co_await timed(h, Route::trends, http::verb::get, "/api/v1/stats/trends?bucket=day&" + window_q + scope,
                         token);
          break;
        case 2:
          co_await timed(h, Route::assessment_csv, http::verb::get,
                         "/api/v1/stats/assessment?format=csv&table=cases&" + window_q + scope, token);
          break;
        default:
          co_await timed(h, Route::cases_csv, http::verb::get, "/api/v1/cases?format=csv&limit=500" + scope, token);
      }
      co_await pause(0.2);
    }
  }

  // A live-feed client: connects, reads for 5-20 s, leaves, comes back a moment later.
  awaitable<void> feeds(int k) {
    const auto& token = o.feed_tokens[k % o.feed_tokens.size()];
    while (!stopping) {
      auto ws = std::make_shared<websocket::stream<beast::tcp_stream>>(ioc);
      bool we_closed = false, ready = false;
      const auto t0 = Clock::now();
      int status = 0;
      try {
        beast::get_lowest_layer(*ws).expires_after(std::chrono::seconds(10));
        beast::get_lowest_layer(*ws).socket().open(tcp::v4());
        beast::get_lowest_layer(*ws).socket().bind(tcp::endpoint(source(5, k), 0));
        co_await beast::get_lowest_layer(*ws).async_connect(at, use_awaitable);
        beast::get_lowest_layer(*ws).expires_never();
        ws->set_option(websocket::stream_base::timeout::suggested(beast::role_type::client));
        websocket::response_type res;
        beast::error_code ec;
        co_await ws->async_handshake(res, "soak", "/ws?token=" + token, net::redirect_error(use_awaitable, ec));
        status = ec ? (res.result_int() ? res.result_int() : 0) : 101;
        ready = !ec;
      } catch (const std::exception&) {
      }
      window.record(Route::feed, status, since(t0));
      if (ready) {
        net::steady_timer leave(ioc, std::chrono::milliseconds(5000 + rng() % 15000));
        bool done = false;
        leaving.insert(&leave);
        // At its time, or when the run stops (the timer cancelled), the client says goodbye.
        leave.async_wait([&](beast::error_code ec) {
          if (done || (ec && !stopping)) return;
          we_closed = true;
          ws->async_close(websocket::close_code::normal, [ws](beast::error_code) {});
        });
        beast::flat_buffer buffer;
        for (;;) {
          beast::error_code ec;
          co_await ws->async_read(buffer, net::redirect_error(use_awaitable, ec));
          if (ec) break;
          ++window.feed_messages;
          buffer.clear();
        }
        done = true;
        leaving.erase(&leave);
        leave.cancel();
        if (!we_closed) ++window.feed_dropped;
        co_await pause(0.001);  // the timer's handler runs before this frame goes
      }
      if (!stopping) co_await pause(0.5 + (rng() % 1500) / 1000.0);
    }
  }

  void spawn(awaitable<void> a) {
    ++running;
    net::co_spawn(ioc, std::move(a), [this](std::exception_ptr) { --running; });
  }
};

Load::Load(LoadOptions options) : impl_(std::make_unique<Impl>(std::move(options))) {}
Load::~Load() = default;

std::string Load::login(unsigned short port, const std::string& username, const std::string& password, int* status) {
  net::io_context ioc;
  std::string token;
  net::co_spawn(
      ioc,
      [&]() -> awaitable<void> {
        Http h(ioc.get_executor(), tcp::endpoint(net::ip::make_address("127.0.0.1"), port));
        auto a = co_await h.call(http::verb::post, "/api/v1/auth/login", {},
                                 R"({"username":")" + username + R"(","password":")" + password + R"("})");
        if (status) *status = a.status;
        if (a.status == 200) token = json_text(a.body, "token");
      },
      net::detached);
  ioc.run();
  return token;
}

Counts Load::run(double seconds, double period, const std::function<void(double, const Counts&, std::size_t)>& every) {
  auto& m = *impl_;
  m.start = Clock::now();
  Counts total;
  for (int k = 0; k < m.o.intake_connections; ++k) m.spawn(m.intakes(k));
  for (int k = 0; k < m.o.followup_connections; ++k) m.spawn(m.followers(k));
  if (!m.o.logins.empty() && m.o.logins_per_second > 0) m.spawn(m.logins());
  if (!m.o.report_tokens.empty() && !m.o.report_scopes.empty())
    for (int k = 0; k < m.o.reporters; ++k) m.spawn(m.reports(k));
  if (!m.o.feed_tokens.empty())
    for (int k = 0; k < m.o.feeds; ++k) m.spawn(m.feeds(k));
  // The clock: every `period` the window goes to the caller; at the end everyone stops.
  net::co_spawn(
      m.ioc,
      [&]() -> awaitable<void> {
        for (int n = 1;; ++n) {
          auto due = m.start + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(period * n));
          const auto end =
              m.start + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds));
          net::steady_timer t(m.ioc, std::min(due, end));
          co_await t.async_wait(use_awaitable);
          const double elapsed = std::chrono::duration<double>(Clock::now() - m.start).count();
          every(elapsed, m.window, m.followups.size());
          total.add(m.window);
          m.window = Counts{};
          if (due >= end) break;
        }
        m.stopping = true;
        for (auto* t : std::set(m.leaving)) t->cancel();
      },
      net::detached);
  m.ioc.run_for(std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds + 90)));
  total.add(m.window);  // what came in while the last requests finished
  return total;
}

}  // namespace gridkeeper::soak
