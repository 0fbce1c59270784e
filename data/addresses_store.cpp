#include "data/addresses_store.hpp"

#include <algorithm>
#include <tuple>
#include <unordered_set>

#include "data/records.hpp"

namespace gridkeeper::data {

using dispatch::Address;
using dispatch::AddressLoad;
using dispatch::CaseId;
using dispatch::Millis;

namespace {

// The length of the UTF-8 sequence that begins with byte `b` (1 for a stray byte).
std::size_t sequence_length(unsigned char b) {
  if (b >= 0xF0) return 4;
  if (b >= 0xE0) return 3;
  if (b >= 0xC0) return 2;
  return 1;
}

std::vector<std::string_view> characters(std::string_view text) {
  std::vector<std::string_view> out;
  for (std::size_t i = 0; i < text.size();) {
    const std::size_t n = std::min(sequence_length(static_cast<unsigned char>(text[i])), text.size() - i);
    out.push_back(text.substr(i, n));
    i += n;
  }
  return out;
}

void add_bigrams(std::string& out, std::string_view text) {
  const auto chars = characters(text);
  for (std::size_t i = 0; i + 1 < chars.size(); ++i) {
    if (!out.empty()) out += ' ';
    for (auto c : {chars[i], chars[i + 1]})
      for (char b : c) out += (b >= 'A' && b <= 'Z') ? static_cast<char>(b - 'A' + 'a') : b;
  }
}

std::string lower_ascii(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

// An FTS5 query that matches `text` as one phrase: the text quoted, its quotes doubled, so
// that no character of it (*, ", NEAR, OR, AND, column filters) is taken for syntax.
std::string phrase(std::string_view text) {
  std::string q = "\"";
  for (char c : text) {
    if (c == '"') q += '"';
    q += c;
  }
  return q + "\"";
}

constexpr const char* kColumns = "a.id, a.address, a.building, a.community, a.lon, a.lat, a.grid_id";
template <class Query>
Address read_address(Query& q) {
  Address a;
  a.id = q.int64(0);
  a.address = q.text(1);
  a.building = q.text(2);
  a.community = q.text(3);
  a.lon = q.real(4);
  a.lat = q.real(5);
  a.grid_id = q.text(6);
  return a;
}

// `text` as a LIKE pattern that matches it anywhere, its own % _ and \ taken literally.
std::string anywhere(std::string_view text) {
  std::string p = "%";
  for (char c : text) {
    if (c == '%' || c == '_' || c == '\\') p += '\\';
    p += c;
  }
  return p + "%";
}

constexpr bool kIsPg(const Connection*) { return false; }
constexpr bool kIsPg(const pg::Connection*) { return true; }

// How many candidates each way of matching contributes before ranking: the ranking is
// exact over these, and bounds the time of a query that matches most of the library.
constexpr int kCandidates = 300;

}  // namespace

std::string bigrams_of(std::string_view text) {
  std::string out;
  add_bigrams(out, text);
  return out;
}

std::size_t characters_of(std::string_view text) {
  std::size_t n = 0;
  for (unsigned char b : text)
    if ((b & 0xC0) != 0x80) ++n;
  return n;
}

template <class Db>
Result<std::unique_ptr<AddressesStore<Db>>> AddressesStore<Db>::open(const std::string& place, WriteQueueOn<Db>* writer,
                                                                     int busy_timeout_ms) {
  auto db = StoreConnections<Db>::open(place, writer, busy_timeout_ms);
  if (!db) return db.error();
  return std::unique_ptr<AddressesStore>(new AddressesStore(std::move(*db)));
}

template <class Db>
Result<AddressLoad> AddressesStore<Db>::load_addresses(const std::vector<Address>& rows, Millis at,
                                                       const std::string& actor) {
  auto counts = std::make_shared<AddressLoad>();
  auto e = db_->write([&rows, at, &actor, counts](Db& db) -> Status {
    *counts = {};  // the work may run again
    auto find = db.prepare(
        "SELECT id, community, lon, lat, coalesce(grid_id, '') FROM addresses "
        "WHERE address = ?1 AND building = ?2");
    auto insert = db.prepare(
        "INSERT INTO addresses (address, building, community, lon, lat, grid_id) VALUES (?1, ?2, ?3, ?4, ?5, ?6) "
        "RETURNING id");
    // SQLite's index of two-character texts; PostgreSQL's trigram indexes serve those too.
    constexpr bool bigrams = !kIsPg(static_cast<const Db*>(nullptr));
    auto grams = db.prepare(bigrams ? "INSERT INTO address_bigrams (rowid, grams) VALUES (?1, ?2)" : "SELECT 1");
    auto update = db.prepare("UPDATE addresses SET community = ?2, lon = ?3, lat = ?4, grid_id = ?5 WHERE id = ?1");
    for (auto* p : {&find, &insert, &grams, &update})
      if (!*p) return p->error();
    std::string text;
    for (const auto& r : rows) {
      auto q = find->use();
      q.bind_borrowed(1, r.address).bind_borrowed(2, r.building);
      if (q.next()) {
        const std::int64_t id = q.int64(0);
        const bool same =
            q.text_view(1) == r.community && q.real(2) == r.lon && q.real(3) == r.lat && q.text_view(4) == r.grid_id;
        if (same) {
          ++counts->unchanged;
          continue;
        }
        auto u = update->use();
        u.bind(1, id).bind_borrowed(2, r.community).bind(3, r.lon).bind(4, r.lat).bind_borrowed_code(5, r.grid_id);
        if (auto e = u.run()) return e;
        ++counts->updated;
        continue;
      }
      if (auto e = q.status()) return e;
      std::int64_t id = 0;
      {
        auto i = insert->use();
        i.bind_borrowed(1, r.address).bind_borrowed(2, r.building).bind_borrowed(3, r.community);
        i.bind(4, r.lon).bind(5, r.lat).bind_borrowed_code(6, r.grid_id);
        if (i.next()) id = i.int64(0);
        if (auto e = i.status()) return e;
      }
      ++counts->added;
      if constexpr (!bigrams) continue;
      text.clear();
      add_bigrams(text, r.address);
      add_bigrams(text, r.building);
      auto g = grams->use();
      g.bind(1, id).bind_borrowed(2, text);
      if (auto e = g.run()) return e;
    }
    const std::string detail = "addresses loaded: " + std::to_string(counts->added) + " added, " +
                               std::to_string(counts->updated) + " updated, " + std::to_string(counts->unchanged) +
                               " unchanged";
    if (counts->added + counts->updated == 0) return std::nullopt;  // nothing changed: no entry
    return records::insert_audit(db, {at, actor, "address", "addresses", detail, "", ""});
  });
  if (e) return *e;
  return *counts;
}

template <class Db>
Result<std::vector<Address>> AddressesStore<Db>::find_addresses(const std::string& text, std::size_t limit) {
  limit = std::min(limit, dispatch::kMaxAddressResults);
  const std::size_t length = characters_of(text);
  if (length < 2 || limit == 0 || text.size() > dispatch::kMaxQueryBytes) return std::vector<Address>{};
  auto db = db_->reader();
  if (!db) return db.error();
  std::vector<Address> found;
  // Those beginning with the text. On SQLite along the index of (address, building): no
  // byte 0xFF follows any UTF-8 text, so [text, text + 0xFF) is exactly the addresses it
  // begins. PostgreSQL refuses that byte in text, and its collation need not be bytewise.
  {
    static const std::string sql =
        std::string("SELECT ") + kColumns + " FROM addresses a WHERE " +
        (kIsPg(static_cast<const Db*>(nullptr)) ? "starts_with(a.address, ?1) AND a.address >= ?2"
                                                : "a.address >= ?1 AND a.address < ?2") +
        " ORDER BY a.address, a.building LIMIT ?3";
    auto q = (*db)->query(sql);
    if (!q) return q.error();
    q->bind(1, text).bind(2, kIsPg(static_cast<const Db*>(nullptr)) ? text : text + "\xFF").bind(3, kCandidates);
    while (q->next()) found.push_back(read_address(*q));
    if (auto e = q->status()) return *e;
  }
  // Those holding it anywhere: on SQLite the trigram index, or for two characters the bigram
  // index; on PostgreSQL its trigram indexes (ILIKE: ASCII letters in any case, as FTS5).
  if constexpr (kIsPg(static_cast<const Db*>(nullptr))) {
    static const std::string sql = std::string("SELECT ") + kColumns +
                                   " FROM addresses a WHERE a.address ILIKE ?1 OR a.building ILIKE ?1 LIMIT ?2";
    auto q = (*db)->query(sql);
    if (!q) return q.error();
    q->bind(1, anywhere(text)).bind(2, kCandidates);
    while (q->next()) found.push_back(read_address(*q));
    if (auto e = q->status()) return *e;
  } else {
    static const std::string trigram = std::string("SELECT ") + kColumns +
                                       " FROM addresses_fts f JOIN addresses a ON a.id = f.rowid "
                                       "WHERE addresses_fts MATCH ?1 LIMIT ?2";
    static const std::string bigram = std::string("SELECT ") + kColumns +
                                      " FROM address_bigrams g JOIN addresses a ON a.id = g.rowid "
                                      "WHERE address_bigrams MATCH ?1 LIMIT ?2";
    std::string match = phrase(length == 2 ? bigrams_of(text) : text);
    // A two-character text of separators only (no token for the bigram index) matches nothing more.
    const bool searchable =
        length > 2 || bigrams_of(text).find_first_not_of(" !\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~") != std::string::npos;
    if (searchable) {
      auto q = (*db)->query(length == 2 ? bigram : trigram);
      if (!q) return q.error();
      q->bind(1, match).bind(2, kCandidates);
      while (q->next()) found.push_back(read_address(*q));
      if (auto e = q->status()) return *e;
    }
  }
  // Best first: the address equal to the text, then those beginning with it, then the
  // rest; within each, fewer characters first (the more specific place), then by id.
  auto group = [&text](const Address& a) {
    if (a.address == text) return 0;
    return a.address.compare(0, text.size(), text) == 0 ? 1 : 2;
  };
  struct Ranked {
    int group;
    std::size_t length;
    std::int64_t id;
    const Address* a;
  };
  // Every result holds the text (ASCII letters in any case), in its address or building:
  // a token of the bigram index may stand for a bigram with a separator in it.
  const std::string wanted = lower_ascii(text);
  auto holds = [&wanted](const Address& a) {
    return lower_ascii(a.address).find(wanted) != std::string::npos ||
           lower_ascii(a.building).find(wanted) != std::string::npos;
  };
  std::vector<Ranked> ranked;
  std::unordered_set<std::int64_t> seen;
  for (const auto& a : found)
    if (seen.insert(a.id).second && holds(a)) ranked.push_back({group(a), characters_of(a.address), a.id, &a});
  std::sort(ranked.begin(), ranked.end(), [](const Ranked& x, const Ranked& y) {
    return std::tie(x.group, x.length, x.id) < std::tie(y.group, y.length, y.id);
  });
  std::vector<Address> out;
  for (std::size_t i = 0; i < ranked.size() && i < limit; ++i) out.push_back(*ranked[i].a);
  return out;
}

template <class Db>
Result<std::size_t> AddressesStore<Db>::reroute_addresses(const dispatch::GridOf& grid_of) {
  auto changed = std::make_shared<std::size_t>(0);
  auto e = db_->write([&grid_of, changed](Db& db) -> Status {
    *changed = 0;
    std::vector<std::pair<std::int64_t, std::string>> moves;
    {
      auto q = db.query("SELECT id, lon, lat, coalesce(grid_id, '') FROM addresses");
      if (!q) return q.error();
      while (q->next()) {
        auto grid = grid_of({q->real(1), q->real(2)}).value_or(std::string());
        if (grid != q->text_view(3)) moves.emplace_back(q->int64(0), std::move(grid));
      }
      if (auto e = q->status()) return e;
    }
    auto update = db.prepare("UPDATE addresses SET grid_id = ?2 WHERE id = ?1");
    if (!update) return update.error();
    for (const auto& [id, grid] : moves) {
      auto u = update->use();
      u.bind(1, id).bind_borrowed_code(2, grid);
      if (auto e = u.run()) return e;
    }
    *changed = moves.size();
    return std::nullopt;
  });
  if (e) return *e;
  return *changed;
}

template <class Db>
Result<std::size_t> AddressesStore<Db>::address_count() {
  auto db = db_->reader();
  if (!db) return db.error();
  auto n = (*db)->scalar("SELECT count(*) FROM addresses");
  if (!n) return n.error();
  return static_cast<std::size_t>(*n);
}

template <class Db>
Result<std::vector<CaseId>> AddressesStore<Db>::find_case_ids(const dispatch::CaseSearch& search) {
  auto db = db_->reader();
  if (!db) return db.error();
  // Newest first along the primary key; instr, not LIKE, so that % and _ are plain text.
  static const std::string sql =
      "SELECT id FROM cases WHERE "
      "((CAST(?1 AS TEXT) IS NOT NULL AND (" +
      Dialect<Db>::holds("title", 1) + " OR " + Dialect<Db>::holds("address", 1) +
      ")) OR (CAST(?2 AS TEXT) IS NOT NULL AND " + Dialect<Db>::last("reporter_phone", 4) +
      " = ?2)) "
      "AND (CAST(?3 AS TEXT) IS NULL OR grid = ?3 OR community = ?3 OR street = ?3 OR district = ?3) "
      "AND (CAST(?4 AS TEXT) IS NULL OR assignee = ?4) ORDER BY id DESC LIMIT ?5";
  std::vector<CaseId> out;
  {
    auto q = (*db)->query(sql);
    if (!q) return q.error();
    q->bind_code(1, characters_of(search.text) >= 2 ? search.text : std::string());
    q->bind_code(2, search.phone_tail).bind_code(3, search.view.scope).bind_code(4, search.view.assignee);
    q->bind(5, static_cast<std::int64_t>(search.limit));
    while (q->next()) out.push_back(q->int64(0));
    if (auto e = q->status()) return *e;
  }
  return out;
}

template class AddressesStore<Connection>;
template class AddressesStore<pg::Connection>;

}  // namespace gridkeeper::data
