// Many rows in one statement (data/pg_rows.hpp) and the writer that holds a group's rows
// back until its flush (data/change_writer.hpp), against a throw-away cluster.
#include <catch2/catch.hpp>

#include "data/change_writer.hpp"
#include "data/pg_rows.hpp"
#include "data/pg_schema.hpp"
#include "tests/pg/cluster.hpp"

using namespace gridkeeper;
using namespace gridkeeper::data::pg;
using gridkeeper::dispatch::Case;
using gridkeeper::dispatch::CaseEvent;
using gridkeeper::dispatch::CaseState;
using gridkeeper::dispatch::Change;
using gridkeeper::dispatch::EventType;

TEST_CASE("rows bound one by one are stored by one statement, any text as it was", "[pg]") {
  auto db = Connection::open(testing::pg_cluster().fresh_database());
  REQUIRE(db);
  auto& c = **db;
  REQUIRE_FALSE(c.exec("CREATE TABLE t (id BIGINT PRIMARY KEY, name TEXT, score DOUBLE PRECISION, n INTEGER)"));
  auto rows = Rows::prepare(c,
                            "INSERT INTO t (id, name, score, n) VALUES (?1, ?2, ?3, ?4) "
                            "ON CONFLICT (id) DO UPDATE SET name = excluded.name");
  REQUIRE(rows);
  const std::vector<std::string> texts = {"",     "NULL",  "null", "a,b",  "{x}",  "\"quoted\"", "back\\slash",
                                          "网格", " pad ", "it's", "\\\"", "(1,2)"};
  for (std::size_t i = 0; i < texts.size(); ++i)
    rows->add().bind(1, static_cast<std::int64_t>(i)).bind(2, texts[i]).bind(3, 0.1 * static_cast<double>(i));
  rows->add().bind(1, std::int64_t{100}).bind_null(2).bind(4, 7);  // score left unbound: NULL
  CHECK(rows->size() == texts.size() + 1);
  REQUIRE_FALSE(c.begin_pipeline());
  CHECK_FALSE(rows->run());
  CHECK(rows->empty());
  CHECK_FALSE(c.end_pipeline());
  CHECK(*c.scalar("SELECT count(*) FROM t") == static_cast<std::int64_t>(texts.size()) + 1);
  for (std::size_t i = 0; i < texts.size(); ++i) {
    auto q = c.query("SELECT name, score, n IS NULL FROM t WHERE id = ?1");
    REQUIRE(q);
    q->bind(1, static_cast<std::int64_t>(i));
    REQUIRE(q->next());
    CHECK(q->text(0) == texts[i]);
    CHECK(q->real(1) == Approx(0.1 * static_cast<double>(i)));
    CHECK(q->int64(2) == 1);
  }
  CHECK(*c.scalar("SELECT count(*) FROM t WHERE id = 100 AND name IS NULL AND score IS NULL AND n = 7") == 1);

  // The statement's tail (here an upsert) applies to every row; nothing bound, nothing sent.
  rows->add().bind(1, std::int64_t{1}).bind(2, "renamed");
  CHECK_FALSE(rows->run());
  CHECK(*c.scalar("SELECT count(*) FROM t WHERE id = 1 AND name = 'renamed'") == 1);
  CHECK_FALSE(rows->run());

  // A refused row refuses the statement; a mistake in binding is said by run().
  rows->add().bind(1, std::int64_t{200}).bind(2, "x").bind(4, std::int64_t{1} << 40);  // too big for INTEGER
  CHECK(rows->run());
  rows->add().bind(1, std::int64_t{201}).bind(1, std::int64_t{202});
  CHECK(rows->run());
  rows->add().bind(5, std::int64_t{1});
  CHECK(rows->run());
  CHECK(*c.scalar("SELECT count(*) FROM t WHERE id >= 200") == 0);

  CHECK(Rows::prepare(c, "UPDATE t SET name = ?2 WHERE id = ?1").error().code == dispatch::ErrorCode::storage_failed);
  CHECK_FALSE(Rows::prepare(c, "INSERT INTO t (id, name) VALUES (?2, ?1)"));
  CHECK_FALSE(Rows::prepare(c, "INSERT INTO t (id, nope) VALUES (?1, ?2)"));
}

TEST_CASE("a group's case written twice is stored as it was last; its summary holds every event", "[pg]") {
  auto db = open_for_writing(testing::pg_cluster().fresh_database());
  REQUIRE(db);
  auto& c = **db;
  auto writer = data::ChangeWriter<Connection>::prepare(c);
  REQUIRE(writer);
  Case k;
  k.id = 7;
  k.category = "environment";
  k.title = "占道经营";
  k.created_at = k.updated_at = 1000;
  k.state = CaseState::dispatched;
  auto event = [&](EventType type, dispatch::Millis at) {
    CaseEvent e;
    e.case_id = k.id;
    e.type = type;
    e.at = at;
    e.actor = "op";
    e.to_state = k.state;
    return e;
  };
  Change intake;
  intake.cases.push_back(k);
  intake.events = {event(EventType::created, 1000), event(EventType::register_case, 1000)};
  k.state = CaseState::accepted;
  k.version = 2;
  Change accept;
  accept.cases.push_back(k);
  accept.events = {event(EventType::accept, 2000)};
  Change note;  // an event without its case
  note.events = {event(EventType::note, 3000)};

  auto tx = Transaction::begin(c);
  REQUIRE(tx);
  REQUIRE_FALSE(c.begin_pipeline());
  for (const auto* change : {&intake, &accept, &note}) REQUIRE_FALSE(writer->apply(*change));
  REQUIRE_FALSE(writer->flush());
  REQUIRE_FALSE(c.end_pipeline());
  REQUIRE_FALSE(tx->commit());

  CHECK(*c.scalar("SELECT count(*) FROM cases WHERE id = 7 AND state = 'accepted' AND version = 2") == 1);
  CHECK(*c.scalar("SELECT count(*) FROM case_events WHERE case_id = 7") == 4);
  // In the order they were applied.
  CHECK(*c.scalar("SELECT count(*) FROM case_events a JOIN case_events b ON b.case_id = a.case_id AND b.seq > a.seq "
                  "WHERE a.case_id = 7 AND a.at > b.at") == 0);
  CHECK(*c.scalar("SELECT count(*) FROM case_facts WHERE id = 7 AND state = 'accepted' AND dispatched_at = 1000 AND "
                  "first_accept_at = 2000") == 1);

  // A change refused while the group is applied forgets what the group held back: the next
  // group does not send it.
  Change other = intake;
  other.cases[0].id = 8;
  for (auto& e : other.events) e.case_id = 8;
  Change orphan = note;  // the events of a case that was never stored
  orphan.events[0].case_id = 9;
  {
    auto tx2 = Transaction::begin(c);
    REQUIRE(tx2);
    REQUIRE_FALSE(c.begin_pipeline());
    CHECK_FALSE(writer->apply(other));
    CHECK(writer->apply(orphan));
    (void)c.end_pipeline();
  }  // rolled back
  auto tx3 = Transaction::begin(c);
  REQUIRE(tx3);
  REQUIRE_FALSE(c.begin_pipeline());
  CHECK_FALSE(writer->flush());
  CHECK_FALSE(c.end_pipeline());
  REQUIRE_FALSE(tx3->commit());
  CHECK(*c.scalar("SELECT count(*) FROM cases WHERE id IN (8, 9)") == 0);
  CHECK(*c.scalar("SELECT count(*) FROM case_facts WHERE id IN (8, 9)") == 0);
}
