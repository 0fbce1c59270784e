#include "web/auth.hpp"

#include <sodium.h>

#include <algorithm>
#include <mutex>
#include <new>
#include <stdexcept>

namespace gridkeeper::web {

using dispatch::ErrorCode;
using dispatch::make_error;
using dispatch::Millis;

namespace {
constexpr std::size_t kMaxTracked = 100'000;  // throttle entries and cached tokens

void init_sodium() {
  static const int ready = sodium_init();
  if (ready < 0) throw std::runtime_error("libsodium could not be initialised");
}

std::string to_hex(const unsigned char* bytes, std::size_t n) {
  std::string out(n * 2 + 1, '\0');
  sodium_bin2hex(out.data(), out.size(), bytes, n);
  out.pop_back();
  return out;
}
}  // namespace

std::string hash_password(std::string_view password, const AuthOptions& options) {
  init_sodium();
  char out[crypto_pwhash_STRBYTES];
  const auto ops = options.ops_limit ? options.ops_limit : crypto_pwhash_OPSLIMIT_INTERACTIVE;
  const auto mem = options.mem_limit ? options.mem_limit : crypto_pwhash_MEMLIMIT_INTERACTIVE;
  if (crypto_pwhash_str(out, password.data(), password.size(), ops, mem) != 0) throw std::bad_alloc();
  return out;
}

bool verify_password(const std::string& hash, std::string_view password) {
  init_sodium();
  return crypto_pwhash_str_verify(hash.c_str(), password.data(), password.size()) == 0;
}

std::string new_token() {
  init_sodium();
  unsigned char bytes[32];
  randombytes_buf(bytes, sizeof bytes);
  return to_hex(bytes, sizeof bytes);
}

std::string new_initial_password() {
  init_sodium();
  static constexpr std::string_view kAlphabet = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";
  std::string out;
  for (int i = 0; i < 20; ++i) out += kAlphabet[randombytes_uniform(static_cast<std::uint32_t>(kAlphabet.size()))];
  return out;
}

std::string hash_initial_password(std::string_view password) {
  AuthOptions cheapest;
  cheapest.ops_limit = crypto_pwhash_OPSLIMIT_MIN;
  cheapest.mem_limit = crypto_pwhash_MEMLIMIT_MIN;
  return hash_password(password, cheapest);
}

std::string token_hash(std::string_view token) {
  init_sodium();
  unsigned char digest[crypto_generichash_BYTES];
  crypto_generichash(digest, sizeof digest, reinterpret_cast<const unsigned char*>(token.data()), token.size(), nullptr,
                     0);
  return to_hex(digest, sizeof digest);
}

Auth::Auth(dispatch::Accounts& accounts, const dispatch::Clock& clock, AuthOptions options)
    : accounts_(accounts), clock_(clock), options_(options), throttle_(options_) {
  init_sodium();
  dummy_hash_ = hash_password(new_token(), options_);
}

std::shared_ptr<const dispatch::User> Auth::cached(const std::string& hash, Millis* expires_at) const {
  std::shared_lock lock(cache_mutex_);
  auto it = cache_.find(hash);
  if (it == cache_.end()) return nullptr;
  const Millis now = clock_.now();
  if (now >= it->second.trusted_until || now >= it->second.expires_at) return nullptr;
  if (expires_at) *expires_at = it->second.expires_at;
  return it->second.user;
}

void Auth::remember(const std::string& hash, const dispatch::User& user, Millis expires_at) {
  const Millis now = clock_.now();
  std::unique_lock lock(cache_mutex_);
  if (cache_.size() >= kMaxTracked) {
    std::erase_if(cache_, [&](const auto& kv) { return now >= kv.second.trusted_until; });
    if (cache_.size() >= kMaxTracked) cache_.clear();
  }
  // Shared, not copied, by the requests that use it; the password hash stays out of it.
  auto kept = std::make_shared<dispatch::User>(user);
  kept->password_hash.clear();
  cache_[hash] = Cached{std::move(kept), expires_at, now + options_.token_cache_ms};
}

dispatch::Result<dispatch::User> Auth::authenticate(const std::string& hash, Millis* expires_at) {
  if (auto user = cached(hash, expires_at)) return *user;
  const auto refused = make_error(ErrorCode::unauthenticated, "the token is unknown or has expired; log in again");
  auto token = accounts_.find_token(hash);
  if (!token || token->expires_at <= clock_.now()) return refused;
  auto user = accounts_.user_by_id(token->user_id);
  if (!user || !user->active) return refused;
  user->password_hash.clear();
  remember(hash, *user, token->expires_at);
  if (expires_at) *expires_at = token->expires_at;
  return *user;
}

dispatch::Status Auth::begin_login(const std::string& username, const std::string& address, Millis* wait_ms) {
  const Millis wait = throttle_.reserve(username, address, clock_.now());
  if (wait_ms) *wait_ms = wait;
  if (wait <= 0) return std::nullopt;
  return make_error(ErrorCode::too_many_requests,
                    "too many failed logins; try again in " + std::to_string((wait + 999) / 1000) + " s");
}

void Auth::abandon_login(const std::string& username, const std::string& address) {
  throttle_.release(username, address);
}

dispatch::Result<LoginSession> Auth::login(const std::string& username, const std::string& password,
                                           const std::string& address) {
  auto user = accounts_.find_user(username);
  if (options_.before_verify) options_.before_verify();
  const bool ok =
      user ? verify_password(user->password_hash, password) : (verify_password(dummy_hash_, password), false);
  const Millis now = clock_.now();
  // A failure was counted when the attempt began.
  if (!ok) return make_error(ErrorCode::unauthenticated, "wrong username or password");
  // Only who knows the password learns that the account is disabled.
  if (!user->active) return make_error(ErrorCode::account_disabled, "this account is disabled; ask an administrator");
  throttle_.succeeded(username, address);
  {
    // Expired tokens are swept now and then, on a thread that may block.
    std::lock_guard lock(sweep_mutex_);
    if (now - last_sweep_ > 3600 * 1000) {
      last_sweep_ = now;
      accounts_.delete_expired_tokens(now);
    }
  }
  LoginSession s;
  s.token = new_token();
  s.expires_at = now + options_.token_ttl_ms;
  const std::string hash = token_hash(s.token);
  if (auto e = accounts_.store_token({hash, user->id, now, s.expires_at})) return *e;
  user->password_hash.clear();
  s.user = *user;
  remember(hash, s.user, s.expires_at);
  return s;
}

void Auth::forget_user(dispatch::UserId id) {
  std::unique_lock lock(cache_mutex_);
  std::erase_if(cache_, [id](const auto& kv) { return kv.second.user->id == id; });
}

void Auth::logout(const std::string& hash) {
  {
    std::unique_lock lock(cache_mutex_);
    cache_.erase(hash);
  }
  accounts_.delete_token(hash);
}

}  // namespace gridkeeper::web
