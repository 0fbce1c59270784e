#include "bench/city_http.hpp"

#include <zlib.h>

#include <array>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <cstring>
#include <memory>

namespace gridkeeper::bench {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;
using Steady = std::chrono::steady_clock;

namespace {

double ms_since(Steady::time_point t0) { return std::chrono::duration<double, std::milli>(Steady::now() - t0).count(); }

// Gunzips a body chunk by chunk, counting what it decodes to and keeping its start.
class Gunzip {
 public:
  Gunzip() { ok_ = inflateInit2(&z_, 16 + MAX_WBITS) == Z_OK; }
  ~Gunzip() {
    if (ok_) inflateEnd(&z_);
  }
  Gunzip(const Gunzip&) = delete;
  Gunzip& operator=(const Gunzip&) = delete;
  // False once the stream is broken.
  bool feed(const char* data, std::size_t size, Fetched& out, std::size_t keep) {
    if (!ok_) return false;
    z_.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data));
    z_.avail_in = static_cast<uInt>(size);
    while (z_.avail_in > 0 && !ended_) {
      z_.next_out = reinterpret_cast<Bytef*>(buffer_.data());
      z_.avail_out = static_cast<uInt>(buffer_.size());
      const int r = inflate(&z_, Z_NO_FLUSH);
      if (r != Z_OK && r != Z_STREAM_END && r != Z_BUF_ERROR) return ok_ = false;
      const std::size_t produced = buffer_.size() - z_.avail_out;
      if (out.head.size() < keep) out.head.append(buffer_.data(), std::min(produced, keep - out.head.size()));
      out.decoded_bytes += produced;
      if (r == Z_STREAM_END) ended_ = true;
      if (r == Z_BUF_ERROR && produced == 0) break;
    }
    return true;
  }
  bool complete() const { return ok_ && ended_; }

 private:
  z_stream z_{};
  bool ok_ = false, ended_ = false;
  std::array<char, 64 * 1024> buffer_{};
};

}  // namespace

Fetched fetch(unsigned short port, const std::string& target, const FetchOptions& options) {
  Fetched out;
  net::io_context ioc;
  beast::tcp_stream stream(ioc);
  // Runs one asynchronous step to its end; the stream's expiry bounds it.
  auto run = [&](auto start) {
    beast::error_code result = net::error::would_block;
    ioc.restart();
    start([&](beast::error_code ec, auto&&...) { result = ec; });
    ioc.run();
    return result;
  };
  auto fail = [&](const char* step, beast::error_code ec) {
    out.status = 0;
    out.error = std::string(step) + ": " + ec.message();
    return out;
  };
  const auto t0 = Steady::now();
  stream.expires_after(options.timeout);
  const tcp::endpoint server(net::ip::make_address("127.0.0.1"), port);
  if (auto ec = run([&](auto handler) { stream.async_connect(server, handler); })) return fail("connect", ec);

  http::request<http::empty_body> req{http::verb::get, target, 11};
  req.set(http::field::host, "127.0.0.1");
  req.set(http::field::user_agent, "gridkeeper-bench-city");
  if (!options.token.empty()) req.set(http::field::authorization, "Bearer " + options.token);
  for (const auto& [name, value] : options.headers) req.set(name, value);
  req.keep_alive(false);
  if (auto ec = run([&](auto handler) { http::async_write(stream, req, handler); })) return fail("write", ec);

  beast::flat_buffer buffer;
  http::response_parser<http::buffer_body> parser;
  parser.body_limit(boost::none);  // counted, not held
  if (auto ec = run([&](auto handler) { http::async_read_header(stream, buffer, parser, handler); }))
    return fail("read header", ec);
  out.headers_ms = ms_since(t0);
  const auto& head = parser.get();
  out.status = static_cast<int>(head.result_int());
  out.content_encoding = std::string(head[http::field::content_encoding]);
  out.content_type = std::string(head[http::field::content_type]);
  out.etag = std::string(head[http::field::etag]);
  const bool gzipped = out.content_encoding.find("gzip") != std::string::npos;
  std::unique_ptr<Gunzip> gunzip;
  if (gzipped) gunzip = std::make_unique<Gunzip>();

  std::array<char, 64 * 1024> chunk{};
  while (!parser.is_done()) {
    parser.get().body().data = chunk.data();
    parser.get().body().size = chunk.size();
    const auto ec = run([&](auto handler) { http::async_read_some(stream, buffer, parser, handler); });
    if (ec && ec != http::error::need_buffer) {
      const auto status = out.status;
      fail("read body", ec);
      out.error += " (after status " + std::to_string(status) + ")";
      return out;
    }
    const std::size_t got = chunk.size() - parser.get().body().size;
    out.bytes += got;
    if (gunzip) {
      if (!gunzip->feed(chunk.data(), got, out, options.keep)) out.gzip_broken = true;
    } else {
      if (out.head.size() < options.keep) out.head.append(chunk.data(), std::min(got, options.keep - out.head.size()));
      out.decoded_bytes += got;
    }
  }
  if (gunzip && !gunzip->complete()) out.gzip_broken = true;
  out.total_ms = ms_since(t0);
  beast::error_code ignored;
  stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
  return out;
}

}  // namespace gridkeeper::bench
