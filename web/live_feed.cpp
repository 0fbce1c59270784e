#include "web/live_feed.hpp"

#include <map>
#include <mutex>
#include <optional>
#include <vector>

#include "web/json_codec.hpp"

namespace gridkeeper::web {

struct LiveFeed::State {
  struct Member {
    std::weak_ptr<FeedClient> client;
    dispatch::Actor actor;
    // The tier an operator or supervisor answers for: its scope's level. When a case rises
    // to that tier, this client is the one told (attention).
    std::optional<dispatch::Tier> tier;
  };
  using Members = std::vector<std::shared_ptr<const Member>>;

  explicit State(dispatch::Center& c) : center(c), snapshot(std::make_shared<Members>()) {}

  dispatch::Center& center;
  std::mutex mutex;
  std::map<std::uint64_t, std::shared_ptr<const Member>> members;
  std::shared_ptr<const Members> snapshot;  // copied on join and leave, read on every publish
  std::uint64_t next_id = 1;

  void rebuild_locked() {
    auto next = std::make_shared<Members>();
    next->reserve(members.size());
    for (const auto& [id, m] : members) next->push_back(m);
    snapshot = std::move(next);
  }

  void publish(const dispatch::CaseNotice& notice) {
    std::shared_ptr<const Members> current;
    {
      std::lock_guard lock(mutex);
      current = snapshot;
    }
    // Serialised at most twice, for the first client that may see it: told or not.
    std::shared_ptr<const std::string> text[2];
    const bool escalated = notice.type == "case.escalated";
    for (const auto& m : *current) {
      // A worker also hears of the change that took its case away, so that its tablet drops it.
      const bool taken_from = m->actor.role == dispatch::Role::worker && !notice.previous_assignee.empty() &&
                              m->actor.worker_id == notice.previous_assignee;
      if (!taken_from && !center.case_visible(notice.current, m->actor)) continue;
      auto client = m->client.lock();
      if (!client) continue;
      const bool attention = escalated && m->tier == notice.current.tier;
      auto& t = text[attention];
      if (!t) t = std::make_shared<const std::string>(message(notice, attention));
      client->deliver(t);
    }
  }
};

LiveFeed::LiveFeed(dispatch::Center& center) : state_(std::make_shared<State>(center)) {
  subscription_ = center.subscribe([state = state_](const dispatch::CaseNotice& n) { state->publish(n); });
}

LiveFeed::~LiveFeed() {
  state_->center.unsubscribe(subscription_);
  std::lock_guard lock(state_->mutex);
  state_->members.clear();
  state_->rebuild_locked();
}

std::optional<dispatch::Tier> LiveFeed::tier_of(const dispatch::Actor& actor) const {
  if (actor.role != dispatch::Role::operator_ && actor.role != dispatch::Role::supervisor) return std::nullopt;
  if (actor.scope.empty()) return dispatch::Tier::district;
  const auto j = state_->center.jurisdiction(actor.scope);
  if (!j) return std::nullopt;
  switch (j->level) {
    case dispatch::Level::district: return dispatch::Tier::district;
    case dispatch::Level::street: return dispatch::Tier::street;
    case dispatch::Level::community: return dispatch::Tier::community;
    case dispatch::Level::grid: return std::nullopt;
  }
  return std::nullopt;
}

std::uint64_t LiveFeed::join(std::weak_ptr<FeedClient> client, dispatch::Actor actor) {
  auto tier = tier_of(actor);
  std::lock_guard lock(state_->mutex);
  const auto id = state_->next_id++;
  state_->members[id] =
      std::make_shared<const State::Member>(State::Member{std::move(client), std::move(actor), tier});
  state_->rebuild_locked();
  return id;
}

void LiveFeed::leave(std::uint64_t id) {
  std::lock_guard lock(state_->mutex);
  if (state_->members.erase(id)) state_->rebuild_locked();
}

std::size_t LiveFeed::size() const {
  std::lock_guard lock(state_->mutex);
  return state_->members.size();
}

std::string LiveFeed::message(const dispatch::CaseNotice& notice, bool attention) {
  boost::json::object o{{"type", notice.type}, {"case", case_json(notice.current)}};
  if (notice.type == "case.escalated") o["attention"] = attention;
  return to_json_text(o);
}

}  // namespace gridkeeper::web
