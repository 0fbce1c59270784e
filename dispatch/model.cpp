#include "dispatch/model.hpp"

namespace gridkeeper::dispatch {

namespace {
template <class E, std::size_t N>
std::optional<E> parse(std::string_view s, const std::pair<E, std::string_view> (&names)[N]) {
  for (const auto& [value, name] : names)
    if (name == s) return value;
  return std::nullopt;
}
template <class E, std::size_t N>
std::string_view name_of(E v, const std::pair<E, std::string_view> (&names)[N]) {
  for (const auto& [value, name] : names)
    if (value == v) return name;
  return "?";
}

constexpr std::pair<Level, std::string_view> kLevels[] = {
    {Level::district, "district"}, {Level::street, "street"}, {Level::community, "community"}, {Level::grid, "grid"}};
constexpr std::pair<Urgency, std::string_view> kUrgencyNames[] = {
    {Urgency::yellow, "yellow"}, {Urgency::orange, "orange"}, {Urgency::red, "red"}};
constexpr std::pair<CaseState, std::string_view> kStates[] = {
    {CaseState::reported, "reported"}, {CaseState::dispatched, "dispatched"}, {CaseState::accepted, "accepted"},
    {CaseState::resolved, "resolved"}, {CaseState::closed, "closed"},         {CaseState::cancelled, "cancelled"}};
constexpr std::pair<Action, std::string_view> kActionNames[] = {{Action::register_case, "register"},
                                                                {Action::accept, "accept"},
                                                                {Action::resolve, "resolve"},
                                                                {Action::close, "close"},
                                                                {Action::reopen, "reopen"},
                                                                {Action::return_case, "return"},
                                                                {Action::cancel, "cancel"},
                                                                {Action::reassign, "reassign"},
                                                                {Action::request_deferral, "request_deferral"},
                                                                {Action::defer, "defer"},
                                                                {Action::resume, "resume"},
                                                                {Action::note, "note"},
                                                                {Action::urge, "urge"}};
constexpr std::pair<Role, std::string_view> kRoleNames[] = {{Role::admin, "admin"},
                                                            {Role::operator_, "operator"},
                                                            {Role::supervisor, "supervisor"},
                                                            {Role::worker, "worker"},
                                                            {Role::system, "system"}};
constexpr std::pair<Tier, std::string_view> kTiers[] = {
    {Tier::worker, "worker"}, {Tier::community, "community"}, {Tier::street, "street"}, {Tier::district, "district"}};
constexpr std::pair<DutyStatus, std::string_view> kDuty[] = {
    {DutyStatus::on_duty, "on_duty"}, {DutyStatus::off_duty, "off_duty"}, {DutyStatus::leave, "leave"}};
// The names stored in case_events.type and answered in JSON: a transition's event is named
// as its action.
constexpr std::pair<EventType, std::string_view> kEventTypeNames[] = {
    {EventType::created, "created"},    {EventType::register_case, "register"},
    {EventType::accept, "accept"},      {EventType::resolve, "resolve"},
    {EventType::close, "close"},        {EventType::reopen, "reopen"},
    {EventType::return_case, "return"}, {EventType::cancel, "cancel"},
    {EventType::reassign, "reassign"},  {EventType::request_deferral, "request_deferral"},
    {EventType::defer, "defer"},        {EventType::resume, "resume"},
    {EventType::note, "note"},          {EventType::handover, "handover"},
    {EventType::warned, "warned"},      {EventType::escalated, "escalated"},
    {EventType::reminded, "reminded"},  {EventType::rated, "rated"},
    {EventType::photo, "photo"},        {EventType::urge, "urge"},
    {EventType::regrid, "regrid"}};
constexpr std::pair<Deadline, std::string_view> kDeadlines[] = {{Deadline::accept, "accept"},
                                                                {Deadline::resolve, "resolve"}};
}  // namespace

std::string_view to_string(Level v) { return name_of(v, kLevels); }
std::string_view to_string(Urgency v) { return name_of(v, kUrgencyNames); }
std::string_view to_string(CaseState v) { return name_of(v, kStates); }
std::string_view to_string(Action v) { return name_of(v, kActionNames); }
std::string_view to_string(Role v) { return name_of(v, kRoleNames); }
std::string_view to_string(Tier v) { return name_of(v, kTiers); }
std::string_view to_string(DutyStatus v) { return name_of(v, kDuty); }
std::string_view to_string(EventType v) { return name_of(v, kEventTypeNames); }
std::string_view to_string(Deadline v) { return name_of(v, kDeadlines); }
std::optional<Level> level_from(std::string_view s) { return parse(s, kLevels); }
std::optional<Urgency> urgency_from(std::string_view s) { return parse(s, kUrgencyNames); }
std::optional<CaseState> case_state_from(std::string_view s) { return parse(s, kStates); }
std::optional<Action> action_from(std::string_view s) { return parse(s, kActionNames); }
std::optional<Role> role_from(std::string_view s) {
  auto r = parse(s, kRoleNames);
  if (r == Role::system) return std::nullopt;  // never a user's role
  return r;
}
std::optional<Tier> tier_from(std::string_view s) { return parse(s, kTiers); }
std::optional<DutyStatus> duty_status_from(std::string_view s) { return parse(s, kDuty); }
std::optional<EventType> event_type_from(std::string_view s) { return parse(s, kEventTypeNames); }
std::optional<Deadline> deadline_from(std::string_view s) { return parse(s, kDeadlines); }

EventType event_type_of(Action a) {
  switch (a) {
    case Action::register_case:
      return EventType::register_case;
    case Action::accept:
      return EventType::accept;
    case Action::resolve:
      return EventType::resolve;
    case Action::close:
      return EventType::close;
    case Action::reopen:
      return EventType::reopen;
    case Action::return_case:
      return EventType::return_case;
    case Action::cancel:
      return EventType::cancel;
    case Action::reassign:
      return EventType::reassign;
    case Action::request_deferral:
      return EventType::request_deferral;
    case Action::defer:
      return EventType::defer;
    case Action::resume:
      return EventType::resume;
    case Action::note:
      return EventType::note;
    case Action::urge:
      return EventType::urge;
  }
  return EventType::note;
}

std::array<Deadlines, 3> default_sla() {
  return {Deadlines{24 * 3600, 5 * 24 * 3600}, Deadlines{2 * 3600, 24 * 3600}, Deadlines{30 * 60, 4 * 3600}};
}

std::string Actor::label() const {
  if (role == Role::system) return "system";
  return "user:" + std::to_string(user_id) + (username.empty() ? "" : ":" + username);
}

}  // namespace gridkeeper::dispatch
