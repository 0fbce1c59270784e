#pragma once
// The live feed: every stored change the center publishes goes, as
// {"type": "case.created|case.updated|case.escalated|case.warned|case.reminded", "case": {...}}
// (escalations, and the daily reminders of a case at the top, also carry "attention", true
// for those who answer for the case's tier; every message carries "areas", the new counts
// of the grid, community and street the change touched that the reader may see), to each
// connected client allowed to see the case (worker: its own cases, and the change that
// took one away from it; operator and supervisor: their jurisdiction's subtree).
// Publishing runs on the storage writer's thread and never blocks: clients are copied
// under a lock and told after it.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "dispatch/center.hpp"

namespace gridkeeper::web {

// A connected client (a WebSocket session). deliver() queues and returns at once.
class FeedClient {
 public:
  virtual ~FeedClient() = default;
  virtual void deliver(std::shared_ptr<const std::string> message) = 0;
  // The token behind the client has ended (logout, expiry, a disabled user): close at once.
  virtual void end() = 0;
};

class LiveFeed {
 public:
  explicit LiveFeed(dispatch::Center& center);  // subscribes to the center
  ~LiveFeed();                                  // unsubscribes
  LiveFeed(const LiveFeed&) = delete;
  LiveFeed& operator=(const LiveFeed&) = delete;

  // `token_hash` and `expires_at` name the token the client connected with, so that the
  // client ends with it.
  std::uint64_t join(std::weak_ptr<FeedClient> client, dispatch::Actor actor, std::string token_hash = {},
                     dispatch::Millis expires_at = 0);
  void leave(std::uint64_t id);
  std::size_t size() const;

  // Places per user: `reserve` takes one when the user holds fewer than `limit` (a socket
  // being opened or open), `release` gives it back when the socket is gone.
  bool reserve(dispatch::UserId user, std::size_t limit);
  void release(dispatch::UserId user);

  // End the clients of a token (logout), of a user (password change, disabled user) or
  // whose token has expired by `now`; each leaves the feed and is told to close. Returns
  // how many ended.
  std::size_t end_token(const std::string& token_hash);
  std::size_t end_user(dispatch::UserId user);
  std::size_t end_expired(dispatch::Millis now);

  // `attention`: the receiver answers for the tier an escalated case has risen to, or a
  // reminded one is at (its scope's level: community, street, district), so it is the one told.
  // The case carries `allowed_actions`: what this receiver may do to it now.
  static std::string message(const dispatch::CaseNotice& notice, bool attention = false);
  // `areas`: which of the notice's area counts (bit i: notice.areas[i]) the message carries,
  // as "areas": [...] (web/json_codec.hpp, area_json); the others are left out.
  static std::string message(const dispatch::CaseNotice& notice, const dispatch::Allowed& allowed,
                             bool attention = false, std::uint64_t areas = 0);
  // The tier an operator or supervisor answers for, from its scope's level.
  std::optional<dispatch::Tier> tier_of(const dispatch::Actor& actor) const;

 private:
  // Shared with the center's subscriber, which may still be running on the writer's
  // thread while the feed is destroyed.
  struct State;
  std::shared_ptr<State> state_;
  int subscription_ = 0;
};

}  // namespace gridkeeper::web
