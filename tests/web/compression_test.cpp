// gzip for answers: Accept-Encoding with its q-values, which answers are compressed, and
// the whole and incremental compressors against zlib's own decompressor.
#include <catch2/catch.hpp>

#include <random>
#include <string>

#include "web/compression.hpp"

using namespace gridkeeper::web;

namespace {

// Text that compresses as answers do: repeated keys, varying numbers.
std::string json_like(std::size_t bytes, unsigned seed = 1) {
  std::mt19937 rng(seed);
  std::string out = "[";
  while (out.size() < bytes)
    out += R"({"id":)" + std::to_string(rng() % 100000) + R"(,"grid":"G)" + std::to_string(rng() % 8000) +
           R"(","lon":118.)" + std::to_string(rng() % 1000000) + "},";
  out.back() = ']';
  return out;
}

Response answer(std::string type, std::string body) {
  Response r;
  r.content_type = std::move(type);
  r.body = std::move(body);
  return r;
}

}  // namespace

TEST_CASE("Accept-Encoding: gzip is taken when named with a weight above 0 or covered by *", "[compression]") {
  CHECK(accepts_gzip("gzip"));
  CHECK(accepts_gzip("gzip, deflate, br"));
  CHECK(accepts_gzip("br;q=1.0, gzip;q=0.8, *;q=0.1"));
  CHECK(accepts_gzip("GZIP"));
  CHECK(accepts_gzip("x-gzip"));
  CHECK(accepts_gzip(" deflate ,gzip ; q=0.5 "));
  CHECK(accepts_gzip("*"));
  CHECK(accepts_gzip("identity, *;q=0.5"));
  CHECK(accepts_gzip("gzip;q=0.001"));
  CHECK(accepts_gzip("gzip;level=1;q=1"));

  CHECK_FALSE(accepts_gzip(""));  // absent: identity
  CHECK_FALSE(accepts_gzip("identity"));
  CHECK_FALSE(accepts_gzip("deflate, br"));
  CHECK_FALSE(accepts_gzip("gzip;q=0"));
  CHECK_FALSE(accepts_gzip("gzip;q=0.000"));
  CHECK_FALSE(accepts_gzip("gzip;Q=0"));
  CHECK_FALSE(accepts_gzip("*;q=0"));
  CHECK_FALSE(accepts_gzip("gzip;q=0, *"));  // named gzip wins over the wildcard
  CHECK_FALSE(accepts_gzip("*;q=0, identity"));
  // Malformed weights are not read as acceptance.
  CHECK_FALSE(accepts_gzip("gzip;q=2"));
  CHECK_FALSE(accepts_gzip("gzip;q=1.5"));
  CHECK_FALSE(accepts_gzip("gzip;q=abc"));
  CHECK_FALSE(accepts_gzip("gzip;q=0.0001"));
  CHECK_FALSE(accepts_gzip("gzip;q="));
  CHECK_FALSE(accepts_gzip(",,,;;;"));
  CHECK_FALSE(accepts_gzip("gzipx"));
}

TEST_CASE("Compressible types are text-like; images, fonts and binaries are not", "[compression]") {
  for (const char* t :
       {"application/json", "application/json; charset=utf-8", "application/geo+json", "text/csv; charset=utf-8",
        "text/plain", "text/html; charset=utf-8", "text/javascript; charset=utf-8", "text/css; charset=utf-8",
        "image/svg+xml", "application/vnd.oai.openapi+json", "Application/JSON"})
    CHECK(compressible_type(t));
  for (const char* t :
       {"image/png", "image/jpeg", "image/x-icon", "font/woff2", "application/octet-stream", "application/zip", ""})
    CHECK_FALSE(compressible_type(t));
}

TEST_CASE("gzip round trip: whole bodies, empty and large", "[compression]") {
  for (std::size_t n : {std::size_t{0}, std::size_t{1}, std::size_t{1000}, std::size_t{3} << 20}) {
    const auto text = json_like(n);
    const auto packed = gzip(text);
    // A gzip member: magic bytes 1f 8b, method 8 (deflate).
    REQUIRE(packed.size() >= 18);
    CHECK(static_cast<unsigned char>(packed[0]) == 0x1f);
    CHECK(static_cast<unsigned char>(packed[1]) == 0x8b);
    CHECK(packed[2] == 8);
    bool ok = false;
    CHECK(gunzip(packed, &ok) == text);
    CHECK(ok);
    if (n > 1000) CHECK(packed.size() < text.size() / 2);
  }
  bool ok = true;
  gunzip("not gzip at all", &ok);
  CHECK_FALSE(ok);
  const auto packed = gzip(json_like(5000));
  gunzip(std::string_view(packed).substr(0, packed.size() / 2), &ok);  // cut short
  CHECK_FALSE(ok);
}

TEST_CASE("gzip of large bodies, made in pieces at once, is one member that decodes whole", "[compression]") {
  for (std::size_t n : {kParallelBody, kParallelBody + 12'345, std::size_t{13} << 20}) {
    const auto text = json_like(n, static_cast<unsigned>(n));
    REQUIRE(text.size() >= kParallelBody);
    for (int level : {kGzipLargeLevel, kGzipLevel}) {
      const auto packed = gzip(text, level);
      REQUIRE(packed.size() >= 18);
      CHECK(static_cast<unsigned char>(packed[0]) == 0x1f);
      CHECK(static_cast<unsigned char>(packed[1]) == 0x8b);
      // The trailer: the CRC-32 and the length of the whole text.
      const auto le32 = [&](std::size_t at) {
        std::uint32_t v = 0;
        for (int i = 3; i >= 0; --i)
          v = (v << 8) | static_cast<unsigned char>(packed[at + static_cast<std::size_t>(i)]);
        return v;
      };
      CHECK(le32(packed.size() - 4) == static_cast<std::uint32_t>(text.size()));
      bool ok = false;
      int members = 0;
      const auto back = gunzip(packed, &ok, &members);
      CHECK(ok);
      CHECK(back == text);
      CHECK(members == 1);  // the pieces joined into one stream, not members one after another
      CHECK(packed.size() < text.size() / 2);
    }
  }
}

TEST_CASE("Incremental gzip: each sync flush makes what was written decodable; the whole is one member",
          "[compression]") {
  const auto text = json_like(400'000, 7);
  GzipStream z;
  std::string packed, written;
  for (std::size_t at = 0; at < text.size(); at += 37'000) {
    const auto part = std::string_view(text).substr(at, 37'000);
    z.write(part, packed);
    written += part;
    if ((at / 37'000) % 3 == 0) {
      z.flush(packed);
      bool whole = true;
      // Not finished, but everything written so far comes out.
      CHECK(gunzip(packed, &whole) == written);
      CHECK_FALSE(whole);
    }
  }
  z.finish(packed);
  bool ok = false;
  CHECK(gunzip(packed, &ok) == text);
  CHECK(ok);
}

TEST_CASE("compress_response: large text when accepted; never small bodies, images or encoded ones", "[compression]") {
  const auto big = json_like(20'000);
  {
    auto r = answer("application/json", big);
    CHECK(compress_response(r, true));
    CHECK(*header_of(r, "Content-Encoding") == "gzip");
    CHECK(*header_of(r, "Vary") == "Accept-Encoding");
    CHECK(gunzip(r.body) == big);
  }
  {
    auto r = answer("application/json", big);
    CHECK_FALSE(compress_response(r, false));  // not accepted
    CHECK(r.body == big);
    CHECK(header_of(r, "Content-Encoding") == nullptr);
    CHECK(*header_of(r, "vary") == "Accept-Encoding");  // caches keep both apart
  }
  {
    auto r = answer("application/json", std::string(kMinCompressed - 1, 'a'));
    CHECK_FALSE(compress_response(r, true));
    CHECK(r.body.size() == kMinCompressed - 1);
    CHECK(header_of(r, "Content-Encoding") == nullptr);
  }
  {
    auto r = answer("image/png", big);
    CHECK_FALSE(compress_response(r, true));
    CHECK(r.body == big);
    CHECK(header_of(r, "Vary") == nullptr);
  }
  {
    auto r = answer("text/css", big);
    r.headers.emplace_back("Content-Encoding", "gzip");  // already encoded
    CHECK_FALSE(compress_response(r, true));
    CHECK(r.body == big);
  }
  {
    auto r = answer("text/csv; charset=utf-8", big);
    r.headers.emplace_back("Vary", "Origin");
    CHECK(compress_response(r, true));
    CHECK(*header_of(r, "Vary") == "Origin, Accept-Encoding");
  }
}

TEST_CASE("the level follows the body: small answers tighter, the largest faster", "[compression]") {
  CHECK(gzip_level_for(kMinCompressed) == kGzipSmallLevel);
  CHECK(gzip_level_for(kSmallBody) == kGzipSmallLevel);
  CHECK(gzip_level_for(kSmallBody + 1) == kGzipLevel);
  CHECK(gzip_level_for(kLargeBody) == kGzipLevel);
  CHECK(gzip_level_for(kLargeBody + 1) == kGzipLargeLevel);
  CHECK(gzip_level_for(kSmallBody, 9) == 9);  // a level asked for by name is kept
  // The counts of many areas: the small body's level makes them tighter than the default.
  const auto text = json_like(std::size_t{1} << 20, 7);
  Response r;
  r.body = text;
  REQUIRE(compress_response(r, true));
  CHECK(r.body.size() < gzip(text, kGzipLevel).size());
  bool ok = false;
  CHECK(gunzip(r.body, &ok) == text);
  CHECK(ok);
}
