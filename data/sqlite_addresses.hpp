#pragma once
// SqliteAddresses: the address book (dispatch/address_book.hpp) on the server's database.
// Loads and re-routes write through the WriteQueue it is given (the server passes its
// ledger: one writer a file) or, given none (the import command, tests), on a connection of
// its own; reads use read-only connections of their own. Every call blocks.
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "data/sqlite.hpp"
#include "data/write_queue.hpp"
#include "dispatch/address_book.hpp"

namespace gridkeeper::data {

class SqliteAddresses final : public dispatch::AddressBook {
 public:
  static Result<std::unique_ptr<SqliteAddresses>> open(const std::string& path, WriteQueue* writer = nullptr,
                                                       int busy_timeout_ms = 5000);

  Result<dispatch::AddressLoad> load_addresses(const std::vector<dispatch::Address>& rows, dispatch::Millis at,
                                               const std::string& actor) override;
  Result<std::vector<dispatch::Address>> find_addresses(const std::string& text, std::size_t limit) override;
  Result<std::size_t> reroute_addresses(const dispatch::GridOf& grid_of) override;
  Result<std::size_t> address_count() override;
  Result<std::vector<dispatch::CaseId>> find_case_ids(const dispatch::CaseSearch& search) override;

 private:
  SqliteAddresses(std::string path, int busy_timeout_ms, std::unique_ptr<Connection> own, WriteQueue* queue)
      : path_(std::move(path)), busy_timeout_ms_(busy_timeout_ms), own_writer_(std::move(own)), queue_(queue) {}
  Status write(Work work);
  Result<std::unique_ptr<Connection>> reader();
  void give_back(std::unique_ptr<Connection> db);

  std::string path_;
  int busy_timeout_ms_;
  std::mutex writer_mutex_;
  std::unique_ptr<Connection> own_writer_;
  WriteQueue* queue_;
  std::mutex readers_mutex_;
  std::vector<std::unique_ptr<Connection>> idle_;
};

// The text the bigram index keeps of an address: each two adjacent characters (code
// points, ASCII letters in lower case) of `text`, separated by spaces.
std::string bigrams_of(std::string_view text);
// How many characters (code points) `text` has.
std::size_t characters_of(std::string_view text);

}  // namespace gridkeeper::data
