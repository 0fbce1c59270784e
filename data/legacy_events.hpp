#pragma once
// Schema step 6 gave case events typed fields (dispatch/events.hpp). Before it, the data of
// an event lived in its words only: "not accepted in time: yellow -> orange, worker ->
// community", "score 4", "paused for 12 min", "rework 1", a grid's posts in the audit line
// "owner A -> B, backup C -> D". These readers turn such words into the typed fields, once,
// when a database of the older schema is opened; nothing else reads an event's words.
#include <optional>
#include <string_view>

#include "data/sqlite.hpp"
#include "dispatch/model.hpp"

namespace gridkeeper::data::legacy {

// Sets the typed fields of `e` from its type, states, note and reason as gridkeeper wrote
// them before step 6 (the fields that cannot be read stay unset).
void read_typed_fields(dispatch::CaseEvent& e);

// "owner A -> B, backup C -> D", the audit line of a change of a grid's posts.
std::optional<dispatch::PostChange> read_posts(std::string_view detail);

// The grid of a handover's reason "grid G posts changed: ...".
std::optional<std::string_view> handover_grid(std::string_view reason);

// Step 6's conversion, inside its transaction: every stored event type must be known; the
// typed fields of older events are filled in (the append-only trigger is lifted for it
// and put back).
Status type_old_events(Connection& db);

}  // namespace gridkeeper::data::legacy
