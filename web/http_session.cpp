// The answers of an HTTP session (web/http_session.hpp): a plain answer with its length,
// or a streamed one chunk by chunk, then the next request or the connection's close.
#include <charconv>

#include "web/http_session.hpp"

namespace gridkeeper::web {

// The head is written here rather than by Beast's serializer: one string reused across
// the connection's requests and one gathered write, with no allocation per header.
void HttpSession::send(Response r, bool close_after) {
  release_body();  // the request's body has been handled
  if (r.stream) return send_stream(std::move(r));
  const bool keep = !close_after && keep_alive_ && !server_.stopping && served_ < options().max_requests_per_connection;
  body_ = std::move(r.body);
  begin_head(r);
  // No body may follow 1xx, 204 and 304; every other answer says how long it is.
  const bool bodiless = r.status < 200 || r.status == 204 || r.status == 304;
  if (bodiless) body_.clear();
  else add_header("Content-Length", std::to_string(body_.size()));
  if (!keep) head_ += "Connection: close\r\n";
  else if (version_ == 10) head_ += "Connection: keep-alive\r\n";
  head_ += "\r\n";
  if (head_method_) body_.clear();
  expires_after(options().write_timeout);
  const std::array<net::const_buffer, 2> buffers{net::buffer(head_), net::buffer(body_)};
  net::async_write(socket_, buffers,
                   [self = shared_from_this(), keep](beast::error_code ec, std::size_t) { self->on_write(keep, ec); });
}

void HttpSession::begin_head(const Response& r) {
  head_.clear();
  head_ += version_ == 10 ? "HTTP/1.0 " : "HTTP/1.1 ";
  head_ += std::to_string(r.status);
  head_ += ' ';
  head_ += http::obsolete_reason(static_cast<http::status>(r.status));
  head_ += "\r\nServer: gridkeeper\r\n";
  if (!r.content_type.empty()) add_header("Content-Type", r.content_type);
  if (r.content_type == "application/json") head_ += "Cache-Control: no-store\r\n";
  for (auto& [name, value] : r.headers) add_header(name, value);
}

// ---- a streamed answer: the head, then each chunk as the producer queues it ----

// HTTP/1.1 gets chunks and a final empty chunk, so that a cut stream shows as a broken
// transfer; HTTP/1.0 has no chunks: the body runs to the connection's close.
void HttpSession::send_stream(Response r) {
  stream_ = std::move(r.stream);
  chunked_ = version_ != 10;
  stream_keep_ = chunked_ && keep_alive_ && !server_.stopping && served_ < options().max_requests_per_connection;
  begin_head(r);
  if (chunked_) head_ += "Transfer-Encoding: chunked\r\n";
  if (!stream_keep_) head_ += "Connection: close\r\n";
  head_ += "\r\n";
  if (head_method_) {  // the head alone: the producer stops at its next write
    stream_->abandon();
    stream_.reset();
    expires_after(options().write_timeout);
    return net::async_write(
        socket_, net::buffer(head_),
        [self = shared_from_this()](beast::error_code ec, std::size_t) { self->on_write(self->stream_keep_, ec); });
  }
  expires_after(options().write_timeout);
  net::async_write(socket_, net::buffer(head_),
                   beast::bind_front_handler(&HttpSession::on_chunk_written, shared_from_this()));
}

void HttpSession::on_chunk_written(beast::error_code ec, std::size_t) {
  if (ec) {
    stream_->abandon();
    stream_.reset();
    if (timed_out_) ++server_.metrics.timeouts;
    return close();
  }
  pump();
}

// Takes the next chunk, or waits for the producer (without a deadline: it is the server's
// own work, and the producer gives up by itself), or ends the answer.
void HttpSession::pump() {
  if (!stream_) return;
  auto self = shared_from_this();
  auto wake = [self] { self->server_.gate->post(self->socket_.get_executor(), [self] { self->pump(); }); };
  switch (stream_->pop(body_, std::move(wake))) {
    case ChunkQueue::Next::wait:
      expires_never();
      return;
    case ChunkQueue::Next::chunk: {
      expires_after(options().write_timeout);
      if (!chunked_)
        return net::async_write(socket_, net::buffer(body_),
                                beast::bind_front_handler(&HttpSession::on_chunk_written, self));
      char size[20];
      const auto end = std::to_chars(size, size + sizeof size - 2, body_.size(), 16).ptr;
      head_.assign(size, end);
      head_ += "\r\n";
      const std::array<net::const_buffer, 3> buffers{net::buffer(head_), net::buffer(body_),
                                                     net::buffer(std::string_view("\r\n"))};
      return net::async_write(socket_, buffers, beast::bind_front_handler(&HttpSession::on_chunk_written, self));
    }
    case ChunkQueue::Next::end:
      stream_.reset();
      if (!chunked_) return on_write(false, {});
      expires_after(options().write_timeout);
      return net::async_write(socket_, net::buffer(std::string_view("0\r\n\r\n")),
                              [self](beast::error_code ec, std::size_t) { self->on_write(self->stream_keep_, ec); });
    case ChunkQueue::Next::cut:
      // No final chunk: the client sees the transfer broken, never a short body that looks whole.
      stream_.reset();
      busy_ = false;
      std::string().swap(body_);
      return close();
  }
}

// Header values come from the server itself; a stray line break still never splits a header.
void HttpSession::add_header(std::string_view name, std::string_view value) {
  head_ += name;
  head_ += ": ";
  for (char c : value)
    if (c != '\r' && c != '\n') head_ += c;
  head_ += "\r\n";
}

void HttpSession::on_write(bool keep, beast::error_code ec) {
  busy_ = false;
  std::string().swap(body_);  // the next answer brings its own; an idle connection holds none
  if (ec) {
    if (timed_out_) ++server_.metrics.timeouts;
    return close();
  }
  if (!keep) return close();
  read_header();
}

void start_http_session(StrandSocket socket, ServerImpl& server, Listener listener, std::shared_ptr<PeerSlot> slot) {
  std::make_shared<HttpSession>(std::move(socket), server, listener, std::move(slot))->run();
}

}  // namespace gridkeeper::web
