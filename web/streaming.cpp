#include "web/streaming.hpp"

namespace gridkeeper::web {

StreamWriter::StreamWriter(StreamHead head, bool gzip, StreamOptions options, Start start)
    : head_(std::move(head)),
      options_(options),
      start_(std::move(start)),
      queue_(std::make_shared<ChunkQueue>(options.chunks_in_flight, options.stall_timeout, options.stall_counter)),
      compress_(gzip && compressible_type(head_.content_type)) {
  if (options_.chunk_bytes == 0) options_.chunk_bytes = 1;
}

// A producer that neither finished nor cut (an exception) leaves a broken stream.
StreamWriter::~StreamWriter() {
  if (started_ && !done_) queue_->cut();
}

bool StreamWriter::start() {
  started_ = true;
  Response r;
  r.status = head_.status;
  r.content_type = std::move(head_.content_type);
  r.headers = std::move(head_.headers);
  if (compressible_type(r.content_type)) add_vary_accept_encoding(r);
  if (compress_) {
    r.headers.emplace_back("Content-Encoding", "gzip");
    gzip_ = std::make_unique<GzipStream>();
    std::string raw;
    raw.swap(out_);
    gzip_->write(raw, out_);
  }
  r.stream = queue_;
  start_(std::move(r));
  return !queue_->abandoned();
}

bool StreamWriter::send_full_chunks() {
  const auto n = options_.chunk_bytes;
  if (out_.size() < n) return !queue_->abandoned();
  std::size_t at = 0;
  for (; out_.size() - at >= n; at += n)
    if (!queue_->push(out_.substr(at, n))) return false;
  out_.erase(0, at);
  return true;
}

bool StreamWriter::send_all() {
  if (!send_full_chunks()) return false;
  if (out_.empty()) return true;
  std::string last;
  last.swap(out_);
  return queue_->push(std::move(last));
}

bool StreamWriter::write(std::string_view bytes) {
  if (done_) return false;
  if (!started_) {
    out_ += bytes;
    if (out_.size() < options_.chunk_bytes) return true;
    if (!start()) return false;
    return send_full_chunks();
  }
  if (gzip_) gzip_->write(bytes, out_);
  else out_ += bytes;
  return send_full_chunks();
}

bool StreamWriter::flush() {
  if (done_) return false;
  if (!started_) {
    if (out_.empty()) return true;
    if (!start()) return false;
  }
  if (gzip_) gzip_->flush(out_);
  return send_all();
}

std::optional<Response> StreamWriter::finish() {
  if (done_) return std::nullopt;
  done_ = true;
  if (!started_) {
    Response r;
    r.status = head_.status;
    r.content_type = std::move(head_.content_type);
    r.headers = std::move(head_.headers);
    r.body = std::move(out_);
    return r;
  }
  if (gzip_) gzip_->finish(out_);
  if (send_all()) queue_->finish();
  return std::nullopt;
}

void StreamWriter::cut() {
  if (done_) return;
  done_ = true;
  if (started_) queue_->cut();
}

}  // namespace gridkeeper::web
