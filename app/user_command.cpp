// gridkeeper user add --db PATH|URI --username U --role admin|operator|supervisor|worker
//                    [--scope CODE] [--worker ID]        (password read from stdin; the
//                    password policy of dispatch/password_policy.hpp applies)
// gridkeeper user import --db PATH|URI FILE.csv           (dispatch/user_import.hpp; prints
//                    username,initial_password once)
#include <fstream>
#include <functional>
#include <iostream>
#include <memory>
#include <sstream>
#include <string>

#include "app/cli.hpp"
#include "data/accounts_store.hpp"
#include "data/store_connections.hpp"
#include "dispatch/audit.hpp"
#include "dispatch/password_policy.hpp"
#include "dispatch/user_import.hpp"
#include "web/auth.hpp"

namespace gridkeeper::app {

namespace {
// The accounts of the database at `db` (a file or a PostgreSQL URI), and a check that a code
// is in it.
struct Opened {
  std::unique_ptr<dispatch::Accounts> accounts;
  // Whether `sql` (one ?1 parameter) finds a row for `code`.
  std::function<bool(const char* sql, const std::string& code)> known;
};

dispatch::Result<Opened> open_accounts(const std::string& db) {
  return data::with_backend(db, [&](auto* backend) -> dispatch::Result<Opened> {
    using Db = std::remove_const_t<std::remove_pointer_t<decltype(backend)>>;
    auto accounts = data::AccountsStore<Db>::open(db);
    if (!accounts) return accounts.error();
    auto check = data::open_reader(db, backend);
    if (!check) return check.error();
    std::shared_ptr<Db> conn(std::move(*check));
    Opened out;
    out.accounts = std::move(*accounts);
    out.known = [conn](const char* sql, const std::string& code) {
      auto q = conn->query(sql);
      if (!q) throw std::runtime_error(q.error().message);
      q->bind(1, code);
      const bool found = q->next();
      if (auto e = q->status()) throw std::runtime_error(e->message);
      return found;
    };
    return out;
  });
}
}  // namespace

int run_user_import(int argc, char** argv);

int run_user(int argc, char** argv) {
  if (argc >= 3 && std::string(argv[2]) == "import") return run_user_import(argc, argv);
  if (argc < 3 || std::string(argv[2]) != "add") throw UsageError("user takes the subcommand add or import");
  Args args(argc, argv, 3, {"--db", "--username", "--role", "--scope", "--worker"});
  if (!args.positionals().empty()) throw UsageError("user add takes no positional arguments");
  const std::string db = args.required("--db");
  dispatch::User user;
  user.username = args.required("--username");
  if (user.username.empty() || user.username.size() > 64) throw UsageError("--username must have 1 to 64 bytes");
  const auto role = dispatch::role_from(args.required("--role"));
  if (!role) throw UsageError("--role must be admin, operator, supervisor or worker");
  user.role = *role;
  user.scope = args.get("--scope").value_or("");
  user.worker_id = args.get("--worker").value_or("");
  if (user.role == dispatch::Role::worker && user.worker_id.empty())
    throw UsageError("a worker needs --worker ID (its id in the workers file)");
  if (user.role != dispatch::Role::worker && !user.worker_id.empty())
    throw UsageError("--worker applies to the worker role only");

  auto opened = open_accounts(db);
  if (!opened) {
    std::cerr << "gridkeeper user: " << opened.error().message << "\n";
    return 1;
  }
  auto& accounts = opened->accounts;
  const auto& known = opened->known;
  {
    if (!user.scope.empty() && !known("SELECT 1 FROM jurisdictions WHERE code = ?1", user.scope) &&
        !known("SELECT 1 FROM grids WHERE code = ?1", user.scope)) {
      std::cerr << "gridkeeper user: no jurisdiction or grid " << user.scope << " in " << data::pg::redacted(db)
                << "\n";
      return 1;
    }
    if (!user.worker_id.empty() && !known("SELECT 1 FROM workers WHERE id = ?1", user.worker_id)) {
      std::cerr << "gridkeeper user: no worker " << user.worker_id << " in " << data::pg::redacted(db) << "\n";
      return 1;
    }
  }

  std::string password;
  std::getline(std::cin, password);
  while (!password.empty() && (password.back() == '\r' || password.back() == '\n')) password.pop_back();
  if (password.empty()) {
    std::cerr << "gridkeeper user: give the password on standard input\n";
    return 1;
  }
  if (auto weak = dispatch::check_password(user.username, password)) {
    std::cerr << "gridkeeper user: " << weak->message << "; the user was not added\n";
    return 1;
  }
  user.password_hash = web::hash_password(password);
  // Recorded in the audit trail like an account made through the API.
  dispatch::AuditEntry a;
  a.at = dispatch::SystemClock().now();
  a.actor = "gridkeeper user add";
  a.kind = "user";
  a.subject = user.username;
  a.detail = "account added from the command line";
  a.after = dispatch::audit_fields({{"role", dispatch::to_string(user.role)},
                                    {"scope", user.scope},
                                    {"worker_id", user.worker_id},
                                    {"disabled", "false"}});
  auto added = accounts->create_users({user}, {std::move(a)});
  if (!added || added->empty()) {
    std::cerr << "gridkeeper user: " << (added ? std::string("nothing was added") : added.error().message) << "\n";
    return 1;
  }
  std::cout << "added " << dispatch::to_string(user.role) << " " << user.username << " (id " << added->front().id << ")"
            << (user.scope.empty() ? std::string() : ", scope " + user.scope)
            << (user.worker_id.empty() ? std::string() : ", worker " + user.worker_id) << "\n";
  return 0;
}

int run_user_import(int argc, char** argv) {
  Args args(argc, argv, 3, {"--db"});
  if (args.positionals().size() != 1) throw UsageError("user import takes one FILE.csv");
  const std::string db = args.required("--db");
  const std::string file = args.positionals().front();
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    std::cerr << "gridkeeper user: cannot read " << file << "\n";
    return 1;
  }
  std::string text(dispatch::kMaxImportBytes + 1, '\0');
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  text.resize(static_cast<std::size_t>(in.gcount()));
  auto rows = dispatch::parse_user_csv(text);
  if (!rows) {
    std::cerr << "gridkeeper user: " << file << ": " << rows.error().message << "; nothing was imported\n";
    return 1;
  }
  auto opened = open_accounts(db);
  if (!opened) {
    std::cerr << "gridkeeper user: " << opened.error().message << "\n";
    return 1;
  }
  auto& accounts = opened->accounts;
  const auto& known = opened->known;
  std::vector<dispatch::User> users;
  std::vector<dispatch::AuditEntry> audit;
  std::vector<std::string> passwords;
  const auto now = dispatch::SystemClock().now();
  for (const auto& row : *rows) {
    const auto where = file + " line " + std::to_string(row.line) + ": ";
    if (!row.scope.empty() && !known("SELECT 1 FROM jurisdictions WHERE code = ?1", row.scope)) {
      std::cerr << "gridkeeper user: " << where << "no jurisdiction " << row.scope << "; nothing was imported\n";
      return 1;
    }
    if (!row.worker_id.empty() && !known("SELECT 1 FROM workers WHERE id = ?1", row.worker_id)) {
      std::cerr << "gridkeeper user: " << where << "no worker " << row.worker_id << "; nothing was imported\n";
      return 1;
    }
    if (accounts->find_user(row.username)) {
      std::cerr << "gridkeeper user: " << where << "username " << row.username << " exists; nothing was imported\n";
      return 1;
    }
    dispatch::User u;
    u.username = row.username;
    u.display_name = row.display_name;
    u.role = row.role;
    u.scope = row.scope;
    u.worker_id = row.worker_id;
    u.must_change_password = true;
    passwords.push_back(web::new_initial_password());
    u.password_hash = web::hash_initial_password(passwords.back());
    dispatch::AuditEntry a;
    a.at = now;
    a.actor = "gridkeeper user import";
    a.kind = "user";
    a.subject = u.username;
    a.detail = "account imported from " + file;
    a.after = dispatch::audit_fields({{"display_name", u.display_name},
                                      {"role", dispatch::to_string(u.role)},
                                      {"scope", u.scope},
                                      {"worker_id", u.worker_id},
                                      {"must_change_password", "true"}});
    audit.push_back(std::move(a));
    users.push_back(std::move(u));
  }
  auto stored = accounts->create_users(std::move(users), std::move(audit));
  if (!stored) {
    std::cerr << "gridkeeper user: " << stored.error().message << "; nothing was imported\n";
    return 1;
  }
  std::ostringstream out;
  out << "username,initial_password\n";
  for (std::size_t i = 0; i < stored->size(); ++i) out << (*stored)[i].username << "," << passwords[i] << "\n";
  std::cout << out.str();
  std::cerr << "gridkeeper user: imported " << stored->size()
            << " accounts; give each its initial password, shown only this once\n";
  return 0;
}

}  // namespace gridkeeper::app
