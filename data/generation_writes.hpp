#pragma once
// Storing a grid generation's switch (dispatch/generation.hpp), on the connection of the
// caller's transaction: the ledger's writer for the server, the import's own connection for
// `gridkeeper import`.
#include <string>
#include <vector>

#include "data/pg.hpp"
#include "data/sqlite.hpp"
#include "dispatch/generation.hpp"

namespace gridkeeper::data {

// Scheduled: its time and mode. Current: the previous current becomes past; the hierarchy
// and the grids are upserted (posts as given), the retired grids lose their posts, and the
// generation's grids are kept as they are now (GET /grids?as_of=).
// Db: data::Connection (SQLite) or data::pg::Connection.
template <class Db>
Status store_generation(Db& db, const dispatch::GenerationSwitch& sw);

// A new generation's row (its id: the next free one); the caller fills it with
// store_generation.
template <class Db>
Result<dispatch::GenerationId> insert_generation(Db& db, dispatch::Millis at, const std::string& created_by,
                                                 std::size_t grids, std::size_t problems, const std::string& diff,
                                                 const std::string& file);

}  // namespace gridkeeper::data
