#include "web/live_feed.hpp"

#include <algorithm>
#include <map>
#include <mutex>
#include <optional>
#include <vector>

#include "web/json_codec.hpp"

namespace gridkeeper::web {

namespace {
// An escalation, or a reminder of a case at the top: both call the tier the case is at.
bool calls_tier(const dispatch::CaseNotice& notice) {
  return notice.type == "case.escalated" || notice.type == "case.reminded";
}
}  // namespace

struct LiveFeed::State {
  struct Member {
    std::weak_ptr<FeedClient> client;
    dispatch::Actor actor;
    // The tier an operator or supervisor answers for: its scope's level. When a case rises
    // to that tier, this client is the one told (attention).
    std::optional<dispatch::Tier> tier;
    std::string token_hash;  // the token it connected with, and its expiry (0: none)
    dispatch::Millis expires_at = 0;
  };
  using Members = std::vector<std::shared_ptr<const Member>>;

  explicit State(dispatch::Center& c) : center(c), snapshot(std::make_shared<Members>()) {}

  dispatch::Center& center;
  std::mutex mutex;
  std::map<std::uint64_t, std::shared_ptr<const Member>> members;
  std::shared_ptr<const Members> snapshot;  // copied on join and leave, read on every publish
  std::uint64_t next_id = 1;
  std::map<dispatch::UserId, std::size_t> places;  // sockets per user, open or opening

  // Removes the members `ends` picks and tells each to close, outside the lock.
  template <class Pred>
  std::size_t end_if(Pred ends) {
    std::vector<std::shared_ptr<FeedClient>> ended;
    {
      std::lock_guard lock(mutex);
      for (auto it = members.begin(); it != members.end();) {
        if (!ends(*it->second)) {
          ++it;
          continue;
        }
        if (auto client = it->second->client.lock()) ended.push_back(std::move(client));
        it = members.erase(it);
      }
      if (!ended.empty()) rebuild_locked();
    }
    for (auto& client : ended) client->end();
    return ended.size();
  }

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
    // Serialised once for each (told or not, what the reader may do to the case) met: a
    // few texts, however many clients.
    struct Text {
      std::uint64_t key, areas;
      std::shared_ptr<const std::string> text;
    };
    std::vector<Text> texts;
    const bool escalated = calls_tier(notice);
    for (const auto& m : *current) {
      // A worker also hears of the change that took its case away, so that its tablet drops
      // it; the case then offers it nothing to do.
      const bool visible = center.case_visible(notice.current, m->actor);
      if (!visible && !dispatch::hears_of_loss(m->actor, notice.previous_assignee)) continue;
      auto client = m->client.lock();
      if (!client) continue;
      const bool attention = escalated && m->tier == notice.current.tier;
      const auto allowed = visible ? center.allowed_actions(notice.current, m->actor) : dispatch::Allowed{};
      // The counts of the touched areas this reader may see (none of a worker's, none
      // outside a jurisdiction).
      const std::uint64_t areas = notice.areas.empty() ? 0 : center.areas_seen(notice.areas, m->actor);
      const std::uint64_t key = std::uint64_t{allowed.bits()} << 1 | attention;
      auto t =
          std::find_if(texts.begin(), texts.end(), [&](const Text& e) { return e.key == key && e.areas == areas; });
      if (t == texts.end())
        t = texts.insert(texts.end(),
                         {key, areas, std::make_shared<const std::string>(message(notice, allowed, attention, areas))});
      client->deliver(t->text);
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
  std::optional<dispatch::Level> level;
  if (!actor.scope.empty())
    if (const auto j = state_->center.jurisdiction(actor.scope)) level = j->level;
  return dispatch::tier_of(actor, level);
}

std::uint64_t LiveFeed::join(std::weak_ptr<FeedClient> client, dispatch::Actor actor, std::string token_hash,
                             dispatch::Millis expires_at) {
  auto tier = tier_of(actor);
  std::lock_guard lock(state_->mutex);
  const auto id = state_->next_id++;
  state_->members[id] = std::make_shared<const State::Member>(
      State::Member{std::move(client), std::move(actor), tier, std::move(token_hash), expires_at});
  state_->rebuild_locked();
  return id;
}

void LiveFeed::leave(std::uint64_t id) {
  std::lock_guard lock(state_->mutex);
  if (state_->members.erase(id)) state_->rebuild_locked();
}

bool LiveFeed::reserve(dispatch::UserId user, std::size_t limit) {
  std::lock_guard lock(state_->mutex);
  auto& held = state_->places[user];
  if (held >= limit) {
    if (held == 0) state_->places.erase(user);
    return false;
  }
  ++held;
  return true;
}

void LiveFeed::release(dispatch::UserId user) {
  std::lock_guard lock(state_->mutex);
  auto it = state_->places.find(user);
  if (it == state_->places.end()) return;
  if (--it->second == 0) state_->places.erase(it);
}

std::size_t LiveFeed::end_token(const std::string& token_hash) {
  if (token_hash.empty()) return 0;
  return state_->end_if([&](const State::Member& m) { return m.token_hash == token_hash; });
}

std::size_t LiveFeed::end_user(dispatch::UserId user) {
  return state_->end_if([&](const State::Member& m) { return m.actor.user_id == user; });
}

std::size_t LiveFeed::end_expired(dispatch::Millis now) {
  return state_->end_if([&](const State::Member& m) { return m.expires_at != 0 && now >= m.expires_at; });
}

std::size_t LiveFeed::size() const {
  std::lock_guard lock(state_->mutex);
  return state_->members.size();
}

std::string LiveFeed::message(const dispatch::CaseNotice& notice, bool attention) {
  return message(notice, dispatch::Allowed{}, attention);
}

std::string LiveFeed::message(const dispatch::CaseNotice& notice, const dispatch::Allowed& allowed, bool attention,
                              std::uint64_t areas) {
  boost::json::object o{{"type", notice.type}, {"case", case_json(notice.current, allowed)}};
  if (calls_tier(notice)) o["attention"] = attention;
  // 催办: the urger's note, for the worker's notice.
  if (notice.type == "case.urged" && !notice.events.empty()) o["note"] = notice.events.back().note;
  boost::json::array shown;
  for (std::size_t i = 0; i < notice.areas.size() && i < 64; ++i)
    if (areas >> i & 1u) shown.push_back(area_json(notice.areas[i]));
  o["areas"] = std::move(shown);
  return to_json_text(o);
}

}  // namespace gridkeeper::web
