#pragma once
// gzip for answers: whether a request accepts it (Accept-Encoding with its q-values),
// which answers are worth it (text-like types of at least kMinCompressed bytes), and the
// compressors, whole (a body) and incremental (a streamed body, chunk by chunk). zlib stays
// behind this header.
#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

#include "web/message.hpp"

namespace gridkeeper::web {

// Smaller bodies go as they are: the gzip frame and the CPU are not worth it.
inline constexpr std::size_t kMinCompressed = 1024;
// Answers compressed as they are made. Level 4, by bench_gzip on a 4.7 MB GeoJSON of 8,000
// grids (DEVELOPERS.md): 8 % larger than zlib's default 6 in two thirds of its time, 16 %
// smaller than 1; 9 gains 3 % more at five times the time of 6.
inline constexpr int kGzipLevel = 4;
// Bodies over 8 MiB (a city's assessment tables, every grid's shape) get level 1:
// about half the time of 4 for a fifth more bytes, so that compressing never takes longer
// than making the answer did.
inline constexpr std::size_t kLargeBody = 8 << 20;
inline constexpr int kGzipLargeLevel = 1;
// Bodies up to 4 MiB (the overdue map's counts of a city's 8,000 grids, a page of cases)
// get zlib's default 6: a quarter fewer bytes than 4 (the counts: 206 KB against 153 KB)
// for a few milliseconds more, on answers sent again and again.
inline constexpr std::size_t kSmallBody = 4 << 20;
inline constexpr int kGzipSmallLevel = 6;

// The level a body of `size` bytes is compressed at, when `level` was asked for.
int gzip_level_for(std::size_t size, int level = kGzipLevel);
// Bodies of 4 MiB or more are compressed in pieces at once, one per core up to four
// (gzip's output is still one member, see gzip_in_pieces): a city's assessment compresses
// in half the time on two cores.
inline constexpr std::size_t kParallelBody = 4 << 20;
inline constexpr std::size_t kMaxGzipPieces = 4;
// What is compressed once and kept (the UI's files, the API's description) gets the smallest.
inline constexpr int kGzipStaticLevel = 9;

// RFC 9110 §12.5.3: gzip (or x-gzip) with a q-value above 0, or `*` above 0 when gzip is not
// named. An absent or empty header, `identity` alone, `gzip;q=0` or malformed text: no.
bool accepts_gzip(std::string_view accept_encoding);

// JSON, GeoJSON, CSV, text, JavaScript, CSS, SVG, XML; never images, fonts or binaries.
bool compressible_type(std::string_view content_type);

// The name of the header, when `r` has it; else null.
const std::string* header_of(const Response& r, std::string_view name);

// `data` as one gzip member (bodies of kParallelBody or more compressed in pieces at once).
// Throws std::runtime_error when zlib fails (out of memory).
std::string gzip(std::string_view data, int level = kGzipLevel);
// The inverse, for tests and tools: every member of `data` decompressed; `ok` (when given)
// is false, and the result what could be read, when `data` is not whole, valid gzip;
// `members` (when given) counts the members decoded whole.
std::string gunzip(std::string_view data, bool* ok = nullptr, int* members = nullptr);

// A body compressed as it is produced: `write` deflates without flushing, `flush` makes
// what was written so far decodable (Z_SYNC_FLUSH), `finish` ends the member. Output is
// appended to the string given to each call.
class GzipStream {
 public:
  explicit GzipStream(int level = kGzipLevel);
  ~GzipStream();
  GzipStream(const GzipStream&) = delete;
  GzipStream& operator=(const GzipStream&) = delete;

  void write(std::string_view data, std::string& out);
  void flush(std::string& out);
  void finish(std::string& out);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Compresses `r` in place when the request accepted gzip and the answer is worth it:
// Content-Encoding: gzip, and Vary: Accept-Encoding on every answer of a compressible type
// (compressed or not, so that caches keep the two apart). Answers that already carry a
// Content-Encoding are left alone. True when the body was compressed.
bool compress_response(Response& r, bool accepts, int level = kGzipLevel);

// Whether compress_response would compress `r`'s body (its type, size and encoding).
bool worth_compressing(const Response& r);

// Adds Vary: Accept-Encoding unless `r` names it already.
void add_vary_accept_encoding(Response& r);

}  // namespace gridkeeper::web
