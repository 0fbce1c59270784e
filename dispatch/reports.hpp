#pragma once
// The reports port: what assessment, trends and Open311 read from storage, and the small
// records they keep of their own (assessment settings, Open311 client keys). dispatch
// defines it; data implements it. Every call may block: keep it off network threads.
#include <array>
#include <cstdint>
#include <functional>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "dispatch/assessment.hpp"
#include "dispatch/case_record.hpp"
#include "dispatch/errors.hpp"
#include "dispatch/model.hpp"

namespace gridkeeper::dispatch {

// Cases taken in during [from, to), with their events.
struct HistoryQuery {
  std::string scope;  // jurisdiction or grid code; empty: everything
  WorkerId assignee;  // only this worker's cases; empty: anyone's
  Millis from = 0, to = 0;
  std::size_t limit = 200'000;  // history(): more cases than this is too_large; each_record reads any number
  // each_record: each case in the grid, areas and hands it had at this time, when a
  // redraw has moved it since (a report of a period counts a case where it was then).
  // Unset: where it is now.
  std::optional<Millis> places_at{};
};

// Service requests for Open311: newest first, paged.
struct RequestQuery {
  std::vector<CaseId> ids;  // when given, every other filter is ignored
  std::vector<std::string> categories;
  std::optional<bool> open;
  Millis from = 0, to = 0;                    // taken in during [from, to)
  std::optional<std::array<double, 4>> bbox;  // min lon, min lat, max lon, max lat
  int limit = 50;
  std::int64_t offset = 0;
};

// An Open311 client's API key. Only a hash of the key is stored; the key is shown once.
struct ClientKey {
  std::int64_t id = 0;
  std::string name;
  std::string scope;  // jurisdiction whose subtree its requests may lie in; empty: anywhere
  std::string key_hash;
  Millis created_at = 0;
  std::string created_by;
};

// The audit trail (操作日志): entries newest first (at, then seq, descending).
struct AuditQuery {
  std::string actor;   // a substring of the actor's label (bytes, case as written); empty: anyone
  std::string target;  // a substring of the subject; empty: any
  std::string kind;    // exactly this kind; empty: any
  Millis from = 0;     // at in [from, to)
  Millis to = std::numeric_limits<Millis>::max();
  std::int64_t after = 0;  // a cursor: only the entries after (older than) entry `after`; 0: from the newest
};
struct AuditRecord {
  std::int64_t seq = 0;
  AuditEntry entry;
};

class Reports {
 public:
  virtual ~Reports() = default;

  // The cases with all their events (a replay's input: small periods and checks).
  virtual Result<std::vector<CaseHistory>> history(const HistoryQuery& query) = 0;
  // The summary of each case of the query (its columns and what its events said, kept as
  // they are stored), newest first (created_at, then id, descending), from one snapshot.
  // The record is lent for the call only; `visit` returns false to stop. The reports read
  // this: its memory does not grow with the period.
  virtual Status each_record(const HistoryQuery& query, const std::function<bool(const CaseRecord&)>& visit) = 0;
  virtual Result<std::vector<Case>> requests(const RequestQuery& query) = 0;
  // The grids that were in force at `at` (code, name, community, population) when a later
  // redraw has replaced them since: a past period is reported on the grids of its time.
  // None when those in force at `at` are still in force (or no redraw was ever recorded).
  virtual Result<std::optional<std::vector<Grid>>> replaced_grids(Millis at) {
    (void)at;
    return std::optional<std::vector<Grid>>{};
  }

  // Settings are JSON text by key; a change is recorded in the audit trail.
  virtual Result<std::optional<std::string>> setting(const std::string& key) = 0;
  virtual Status put_setting(const std::string& key, const std::string& value, Millis at, const std::string& actor) = 0;

  virtual Result<ClientKey> add_client_key(ClientKey key) = 0;  // conflict when the name exists
  virtual Result<std::vector<ClientKey>> client_keys() = 0;
  virtual Result<std::optional<ClientKey>> find_client_key(const std::string& key_hash) = 0;
  virtual Status revoke_client_key(std::int64_t id, Millis at, const std::string& actor) = 0;  // not_found

  // The audit entries of the query, newest first, from one snapshot; `visit` returns false
  // to stop. An unknown cursor finds nothing.
  virtual Status each_audit(const AuditQuery& query, const std::function<bool(const AuditRecord&)>& visit) = 0;
};

}  // namespace gridkeeper::dispatch
