#pragma once
// The live feed: every stored change the center publishes goes, as
// {"type": "case.created|case.updated|case.escalated|case.warned", "case": {...}} (escalations
// also carry "attention", true for those who answer for the case's new tier), to each
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
};

class LiveFeed {
 public:
  explicit LiveFeed(dispatch::Center& center);  // subscribes to the center
  ~LiveFeed();                                  // unsubscribes
  LiveFeed(const LiveFeed&) = delete;
  LiveFeed& operator=(const LiveFeed&) = delete;

  std::uint64_t join(std::weak_ptr<FeedClient> client, dispatch::Actor actor);
  void leave(std::uint64_t id);
  std::size_t size() const;

  // `attention`: the receiver answers for the tier an escalated case has risen to (its
  // scope's level: community, street, district), so it is the one told.
  static std::string message(const dispatch::CaseNotice& notice, bool attention = false);
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
