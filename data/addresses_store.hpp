#pragma once
// AddressesStore: the address book (dispatch/address_book.hpp) on the server's database, on
// either backend (data/store_connections.hpp). Loads and re-routes write through the
// WriteQueueOn it is given (the server passes its ledger: one writer a database) or, given
// none (the import command, tests), on a connection of its own; reads use connections of
// their own. Every call blocks. Search by substring uses SQLite's FTS5 trigram and bigram
// indexes, or PostgreSQL's trigram indexes (pg_trgm).
#include <memory>
#include <string>
#include <vector>

#include "data/store_connections.hpp"
#include "dispatch/address_book.hpp"

namespace gridkeeper::data {

template <class Db>
class AddressesStore final : public dispatch::AddressBook {
 public:
  static Result<std::unique_ptr<AddressesStore>> open(const std::string& place, WriteQueueOn<Db>* writer = nullptr,
                                                      int busy_timeout_ms = 5000);

  Result<dispatch::AddressLoad> load_addresses(const std::vector<dispatch::Address>& rows, dispatch::Millis at,
                                               const std::string& actor) override;
  Result<std::vector<dispatch::Address>> find_addresses(const std::string& text, std::size_t limit) override;
  Result<std::size_t> reroute_addresses(const dispatch::GridOf& grid_of) override;
  Result<std::size_t> address_count() override;
  Result<std::vector<dispatch::CaseId>> find_case_ids(const dispatch::CaseSearch& search) override;

 private:
  explicit AddressesStore(std::unique_ptr<StoreConnections<Db>> db) : db_(std::move(db)) {}

  std::unique_ptr<StoreConnections<Db>> db_;
};

using SqliteAddresses = AddressesStore<Connection>;
using PgAddresses = AddressesStore<pg::Connection>;

// The text the bigram index keeps of an address: each two adjacent characters (code
// points, ASCII letters in lower case) of `text`, separated by spaces.
std::string bigrams_of(std::string_view text);
// How many characters (code points) `text` has.
std::size_t characters_of(std::string_view text);

}  // namespace gridkeeper::data
