#include "web/compression.hpp"

#include <exception>
#include <thread>
#include <vector>

#include <zlib.h>

#include <algorithm>
#include <cctype>
#include <stdexcept>

namespace gridkeeper::web {

namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i]))) return false;
  return true;
}

bool starts_with_i(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() && iequals(s.substr(0, prefix.size()), prefix);
}

// RFC 9110 §12.4.2: qvalue = ( "0" [ "." 0*3DIGIT ] ) / ( "1" [ "." 0*3("0") ] ), in
// thousandths; -1 when malformed.
int qvalue(std::string_view v) {
  if (v.empty() || (v[0] != '0' && v[0] != '1')) return -1;
  const int whole = v[0] - '0';
  v.remove_prefix(1);
  if (v.empty()) return whole * 1000;
  if (v[0] != '.' || v.size() > 4) return -1;
  int thousandths = 0, scale = 100;
  for (char c : v.substr(1)) {
    if (c < '0' || c > '9') return -1;
    thousandths += (c - '0') * scale;
    scale /= 10;
  }
  if (whole == 1 && thousandths != 0) return -1;
  return whole * 1000 + thousandths;
}

struct Deflater {
  // windowBits 15 + 16: a gzip header and trailer around the deflate stream; -15: the bare
  // deflate stream.
  explicit Deflater(int level, int window_bits = 15 + 16) {
    if (deflateInit2(&z, level, Z_DEFLATED, window_bits, 8, Z_DEFAULT_STRATEGY) != Z_OK)
      throw std::runtime_error("gzip: cannot start the compressor");
  }
  ~Deflater() { deflateEnd(&z); }
  Deflater(const Deflater&) = delete;
  Deflater& operator=(const Deflater&) = delete;

  // Feeds `data` with `flush`, appending everything produced to `out`.
  void run(std::string_view data, int flush, std::string& out) {
    z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
    z.avail_in = static_cast<uInt>(data.size());
    for (;;) {
      const std::size_t room = std::max<std::size_t>(16 * 1024, deflateBound(&z, z.avail_in) / 2);
      const std::size_t at = out.size();
      out.resize(at + room);
      z.next_out = reinterpret_cast<Bytef*>(out.data() + at);
      z.avail_out = static_cast<uInt>(room);
      const int rc = deflate(&z, flush);
      out.resize(at + room - z.avail_out);
      if (rc == Z_STREAM_ERROR) throw std::runtime_error("gzip: the compressor failed");
      if (flush == Z_FINISH) {
        if (rc == Z_STREAM_END) return;
        continue;
      }
      // Done when the input is used up and the output was not full (nothing left inside).
      if (z.avail_in == 0 && z.avail_out != 0) return;
    }
  }

  z_stream z{};
};

}  // namespace

bool accepts_gzip(std::string_view header) {
  int gzip_q = -1, star_q = -1;
  while (!header.empty()) {
    const auto comma = header.find(',');
    auto item = header.substr(0, comma);
    header = comma == std::string_view::npos ? std::string_view{} : header.substr(comma + 1);
    const auto semi = item.find(';');
    const auto coding = trim(item.substr(0, semi));
    if (coding.empty()) continue;
    int q = 1000;
    if (semi != std::string_view::npos) {
      auto params = item.substr(semi + 1);
      while (!params.empty()) {
        const auto next = params.find(';');
        const auto param = trim(params.substr(0, next));
        params = next == std::string_view::npos ? std::string_view{} : params.substr(next + 1);
        const auto eq = param.find('=');
        if (eq == std::string_view::npos) continue;
        if (iequals(trim(param.substr(0, eq)), "q")) q = qvalue(trim(param.substr(eq + 1)));
      }
    }
    if (q < 0) continue;  // a malformed weight: the coding is not taken as acceptable
    if (iequals(coding, "gzip") || iequals(coding, "x-gzip")) gzip_q = std::max(gzip_q, q);
    else if (coding == "*") star_q = std::max(star_q, q);
  }
  if (gzip_q >= 0) return gzip_q > 0;
  return star_q > 0;
}

bool compressible_type(std::string_view type) {
  type = trim(type.substr(0, type.find(';')));
  if (starts_with_i(type, "text/")) return true;
  for (std::string_view t : {"application/json", "application/geo+json", "application/javascript", "application/xml",
                             "image/svg+xml", "application/problem+json"})
    if (iequals(type, t)) return true;
  // Structured syntaxes: application/vnd.something+json, +xml.
  return starts_with_i(type, "application/") && type.size() > 5 &&
         (iequals(type.substr(type.size() - 5), "+json") || iequals(type.substr(type.size() - 4), "+xml"));
}

const std::string* header_of(const Response& r, std::string_view name) {
  for (const auto& [k, v] : r.headers)
    if (iequals(k, name)) return &v;
  return nullptr;
}

namespace {
// A piece of a body as bare deflate blocks that go on from `before` (the 32 KiB that
// precede it, as the dictionary its matches may reach into): flushed to a byte boundary
// without ending the stream, or ending it when `last`.
std::string deflate_piece(std::string_view before, std::string_view piece, int level, bool last) {
  Deflater d(level, -15);
  if (!before.empty() && deflateSetDictionary(&d.z, reinterpret_cast<const Bytef*>(before.data()),
                                              static_cast<uInt>(before.size())) != Z_OK)
    throw std::runtime_error("gzip: cannot set the dictionary");
  std::string out;
  out.reserve(piece.size() / 4 + 64);
  d.run(piece, last ? Z_FINISH : Z_SYNC_FLUSH, out);
  return out;
}

void append_le32(std::string& out, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) out += static_cast<char>((v >> (8 * i)) & 0xff);
}

// One gzip member made of pieces compressed at once on threads of their own, as pigz does:
// each piece is primed with the 32 KiB before it, all but the last end on a byte boundary
// without ending the stream, and the checksums of the pieces are combined. The stream
// decodes as if it had been made in one go, a little larger (each piece starts its codes
// afresh).
std::string gzip_in_pieces(std::string_view data, int level, std::size_t pieces) {
  constexpr std::size_t kWindow = 32 * 1024;
  std::vector<std::string> parts(pieces);
  std::vector<uLong> crcs(pieces);
  std::vector<std::size_t> at(pieces + 1);
  for (std::size_t i = 0; i <= pieces; ++i) at[i] = data.size() * i / pieces;
  std::vector<std::exception_ptr> errors(pieces);
  auto run = [&](std::size_t i) {
    try {
      const auto piece = data.substr(at[i], at[i + 1] - at[i]);
      const auto window_start = at[i] > kWindow ? at[i] - kWindow : 0;
      parts[i] = deflate_piece(data.substr(window_start, at[i] - window_start), piece, level, i + 1 == pieces);
      crcs[i] = crc32_z(crc32_z(0, nullptr, 0), reinterpret_cast<const Bytef*>(piece.data()), piece.size());
    } catch (...) {
      errors[i] = std::current_exception();
    }
  };
  std::vector<std::thread> threads;
  for (std::size_t i = 1; i < pieces; ++i) threads.emplace_back(run, i);
  run(0);
  for (auto& t : threads) t.join();
  for (auto& e : errors)
    if (e) std::rethrow_exception(e);
  std::string out("\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03", 10);  // deflate, no name, no time, Unix
  std::size_t size = out.size() + 8;
  for (const auto& p : parts) size += p.size();
  out.reserve(size);
  uLong crc = crcs[0];
  for (std::size_t i = 0; i < pieces; ++i) {
    out += parts[i];
    if (i > 0) crc = crc32_combine(crc, crcs[i], static_cast<z_off_t>(at[i + 1] - at[i]));
  }
  append_le32(out, static_cast<std::uint32_t>(crc));
  append_le32(out, static_cast<std::uint32_t>(data.size() & 0xffffffffu));
  return out;
}
}  // namespace

std::string gzip(std::string_view data, int level) {
  const std::size_t cores = std::max(1u, std::thread::hardware_concurrency());
  if (data.size() >= kParallelBody && cores > 1)
    return gzip_in_pieces(data, level, std::min<std::size_t>(cores, kMaxGzipPieces));
  Deflater d(level);
  std::string out;
  out.reserve(data.size() / 4 + 64);
  d.run(data, Z_FINISH, out);
  return out;
}

std::string gunzip(std::string_view data, bool* ok, int* members) {
  std::string out;
  if (ok) *ok = false;
  if (members) *members = 0;
  z_stream z{};
  // 15 + 32: gzip or zlib, detected from the header.
  if (inflateInit2(&z, 15 + 32) != Z_OK) return out;
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  z.avail_in = static_cast<uInt>(data.size());
  bool whole = false;
  for (;;) {
    char buf[16 * 1024];
    z.next_out = reinterpret_cast<Bytef*>(buf);
    z.avail_out = sizeof buf;
    const int rc = inflate(&z, Z_NO_FLUSH);
    out.append(buf, sizeof buf - z.avail_out);
    if (rc == Z_STREAM_END) {
      whole = true;
      if (members) ++*members;
      if (z.avail_in == 0) break;
      // Another member follows.
      whole = false;
      if (inflateReset(&z) != Z_OK) break;
      continue;
    }
    if (rc != Z_OK) break;
    if (z.avail_in == 0 && z.avail_out != 0) break;  // the input ended inside a member
  }
  inflateEnd(&z);
  if (ok) *ok = whole;
  return out;
}

struct GzipStream::Impl {
  explicit Impl(int level) : deflater(level) {}
  Deflater deflater;
};

GzipStream::GzipStream(int level) : impl_(std::make_unique<Impl>(level)) {}
GzipStream::~GzipStream() = default;

void GzipStream::write(std::string_view data, std::string& out) {
  if (!data.empty()) impl_->deflater.run(data, Z_NO_FLUSH, out);
}
void GzipStream::flush(std::string& out) { impl_->deflater.run({}, Z_SYNC_FLUSH, out); }
void GzipStream::finish(std::string& out) { impl_->deflater.run({}, Z_FINISH, out); }

void add_vary_accept_encoding(Response& r) {
  for (auto& [k, v] : r.headers)
    if (iequals(k, "Vary")) {
      if (v.find("Accept-Encoding") == std::string::npos) v += ", Accept-Encoding";
      return;
    }
  r.headers.emplace_back("Vary", "Accept-Encoding");
}

bool worth_compressing(const Response& r) {
  return r.body.size() >= kMinCompressed && compressible_type(r.content_type) && !header_of(r, "Content-Encoding");
}

int gzip_level_for(std::size_t size, int level) {
  if (size > kLargeBody) return std::min(level, kGzipLargeLevel);
  if (size <= kSmallBody && level == kGzipLevel) return kGzipSmallLevel;
  return level;
}

bool compress_response(Response& r, bool accepts, int level) {
  if (!compressible_type(r.content_type) || header_of(r, "Content-Encoding")) return false;
  add_vary_accept_encoding(r);
  if (!accepts || r.body.size() < kMinCompressed) return false;
  r.body = gzip(r.body, gzip_level_for(r.body.size(), level));
  r.headers.emplace_back("Content-Encoding", "gzip");
  return true;
}

}  // namespace gridkeeper::web
