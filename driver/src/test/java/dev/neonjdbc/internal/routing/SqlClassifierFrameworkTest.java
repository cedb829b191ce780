package dev.neonjdbc.internal.routing;

import static dev.neonjdbc.internal.routing.Route.DIRECT;
import static dev.neonjdbc.internal.routing.Route.PIN;
import static dev.neonjdbc.internal.routing.Route.POOLED;
import static dev.neonjdbc.internal.routing.Route.SESSION;
import static dev.neonjdbc.internal.routing.SqlClassifierTest.sql;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** SQL in the shapes that Hibernate, jOOQ and Flyway send through JDBC. */
class SqlClassifierFrameworkTest {

  static Stream<Arguments> hibernate() {
    return Stream.of(
        sql(POOLED, "select u1_0.id,u1_0.name from users u1_0 where u1_0.id=?"),
        sql(
            POOLED,
            "/* <criteria> */ select u1_0.id,u1_0.email from users u1_0 where u1_0.email=?"),
        sql(
            POOLED,
            "/* select u from User u where u.name like :name */ select u1_0.id,u1_0.name"
                + " from users u1_0 where u1_0.name like ? escape ''"),
        sql(POOLED, "/* dynamic native SQL query */ select count(*) from users"),
        sql(
            POOLED,
            "/* insert for com.example.User */insert into users (email,name,id) values (?,?,?)"),
        sql(POOLED, "insert into users (email,name) values (?,?) returning id"),
        sql(
            POOLED,
            "/* update for com.example.User */update users set email=?,name=?,version=?"
                + " where id=? and version=?"),
        sql(POOLED, "/* delete for com.example.User */delete from users where id=?"),
        sql(POOLED, "select nextval('users_seq')"),
        sql(
            POOLED,
            "select u1_0.id,u1_0.name from users u1_0 order by u1_0.id"
                + " offset ? rows fetch first ? rows only"),
        sql(POOLED, "select o1_0.id from orders o1_0 where o1_0.id=? for no key update"),
        sql(POOLED, "select o1_0.id from orders o1_0 for update of o1_0 skip locked"),
        sql(POOLED, "select exists(select 1 from users u1_0 where u1_0.id=?)"),
        sql(
            POOLED,
            "select u1_0.id,r1_0.user_id,r1_1.id,r1_1.name from users u1_0 left join"
                + " (user_roles r1_0 join roles r1_1 on r1_1.id=r1_0.role_id)"
                + " on u1_0.id=r1_0.user_id where u1_0.id=?"),
        sql(POOLED, "{call archive_orders(?,?)}"),
        sql(POOLED, "{? = call upper(?)}"),
        sql(
            DIRECT,
            "create table users (id bigint not null, email varchar(255), name varchar(255),"
                + " version integer, primary key (id))"),
        sql(
            DIRECT,
            "alter table if exists orders add constraint FKk4v5ub4cbe8h0qhg0q7g1w2oa"
                + " foreign key (user_id) references users"),
        sql(DIRECT, "create sequence users_seq start with 1 increment by 50"),
        sql(DIRECT, "drop table if exists users cascade"),
        sql(
            PIN,
            "create temporary table if not exists HTE_users(id bigint, rn_ integer not null,"
                + " primary key (rn_))"),
        sql(
            POOLED,
            "insert into HTE_users(id,rn_) select u1_0.id,row_number() over() from users"
                + " u1_0 where u1_0.name=?"));
  }

  static Stream<Arguments> jooq() {
    return Stream.of(
        sql(
            POOLED,
            "select \"public\".\"book\".\"id\", \"public\".\"book\".\"title\" from"
                + " \"public\".\"book\" where \"public\".\"book\".\"id\" = ?"),
        sql(
            POOLED,
            "insert into \"public\".\"book\" (\"id\", \"title\") values (?, ?)"
                + " returning \"public\".\"book\".\"id\""),
        sql(
            POOLED,
            "update \"public\".\"book\" set \"title\" = ? where \"public\".\"book\".\"id\" = ?"),
        sql(POOLED, "delete from \"public\".\"book\" where \"public\".\"book\".\"id\" = ?"),
        sql(
            POOLED,
            "select \"alias_1\".\"count\" from (select count(*) as \"count\" from"
                + " \"public\".\"book\") as \"alias_1\""),
        sql(
            POOLED,
            "insert into \"public\".\"book\" (\"id\", \"title\") values (?, ?) on conflict"
                + " (\"id\") do update set \"title\" = excluded.\"title\""),
        sql(
            POOLED,
            "merge into \"public\".\"book\" using (select 1 \"one\") \"t\" on"
                + " \"public\".\"book\".\"id\" = ? when matched then update set \"title\" = ?"),
        sql(POOLED, "with \"cte\"(\"x\") as (select 1) select \"cte\".\"x\" from \"cte\""),
        sql(POOLED, "select \"t\".\"listen\", \"t\".\"set\" from \"public\".\"t\""),
        sql(POOLED, "select \"pg_catalog\".\"pg_try_advisory_xact_lock\"(?)"),
        sql(POOLED, "select \"pg_catalog\".\"set_config\"(?, ?, true)"),
        sql(SESSION, "select \"pg_catalog\".\"set_config\"(?, ?, false)"),
        sql(PIN, "select \"pg_catalog\".\"pg_advisory_lock\"(?)"),
        sql(
            DIRECT,
            "create table \"public\".\"book\" (\"id\" int not null, \"title\" varchar(400),"
                + " constraint \"pk_book\" primary key (\"id\"))"));
  }

  static Stream<Arguments> flyway() {
    return Stream.of(
        sql(
            DIRECT,
            "CREATE TABLE \"public\".\"flyway_schema_history\" (\n"
                + "    \"installed_rank\" INT NOT NULL,\n"
                + "    \"version\" VARCHAR(50),\n"
                + "    \"description\" VARCHAR(200) NOT NULL,\n"
                + "    \"type\" VARCHAR(20) NOT NULL,\n"
                + "    \"script\" VARCHAR(1000) NOT NULL,\n"
                + "    \"checksum\" INTEGER,\n"
                + "    \"installed_by\" VARCHAR(100) NOT NULL,\n"
                + "    \"installed_on\" TIMESTAMP NOT NULL DEFAULT now(),\n"
                + "    \"execution_time\" INTEGER NOT NULL,\n"
                + "    \"success\" BOOLEAN NOT NULL\n"
                + ");\n"
                + "ALTER TABLE \"public\".\"flyway_schema_history\" ADD CONSTRAINT"
                + " \"flyway_schema_history_pk\" PRIMARY KEY (\"installed_rank\");\n"
                + "CREATE INDEX \"flyway_schema_history_s_idx\" ON"
                + " \"public\".\"flyway_schema_history\" (\"success\");"),
        sql(
            POOLED,
            "INSERT INTO \"public\".\"flyway_schema_history\" (\"installed_rank\", \"version\","
                + " \"description\", \"type\", \"script\", \"checksum\", \"installed_by\","
                + " \"execution_time\", \"success\") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"),
        sql(
            POOLED,
            "SELECT \"installed_rank\",\"version\",\"description\",\"type\",\"script\","
                + "\"checksum\",\"installed_on\",\"installed_by\",\"execution_time\",\"success\""
                + " FROM \"public\".\"flyway_schema_history\" WHERE \"installed_rank\" > ?"
                + " ORDER BY \"installed_rank\""),
        sql(
            POOLED,
            "UPDATE \"public\".\"flyway_schema_history\" SET \"description\"=? , \"type\"=? ,"
                + " \"checksum\"=? WHERE \"version\"=?"),
        sql(POOLED, "DELETE FROM \"public\".\"flyway_schema_history\" WHERE \"success\" = false"),
        sql(POOLED, "LOCK TABLE \"public\".\"flyway_schema_history\" IN ACCESS EXCLUSIVE MODE"),
        sql(POOLED, "SELECT pg_try_advisory_xact_lock(?)"),
        sql(PIN, "SELECT pg_try_advisory_lock(?)"),
        sql(PIN, "SELECT pg_try_advisory_lock(77431708279161)"),
        sql(POOLED, "SELECT pg_advisory_unlock(?)"),
        sql(POOLED, "SELECT pg_advisory_unlock(77431708279161)"),
        sql(SESSION, "SET search_path = \"public\""),
        sql(SESSION, "SET search_path = \"app\",\"public\""),
        sql(PIN, "SET ROLE \"flyway\""),
        sql(POOLED, "SELECT current_user"),
        sql(POOLED, "SHOW search_path"),
        sql(POOLED, "SELECT current_schema()"),
        sql(POOLED, "SELECT version()"),
        sql(POOLED, "SELECT COUNT(*) FROM pg_namespace WHERE nspname=?"),
        sql(
            POOLED,
            "SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n"
                + " ON n.oid = c.relnamespace WHERE n.nspname = ? AND c.relname = ?)"),
        sql(DIRECT, "CREATE SCHEMA \"app\""),
        sql(
            SESSION,
            "SET search_path TO app;\n"
                + "CREATE TABLE account (id bigserial PRIMARY KEY, email text UNIQUE NOT NULL);"),
        sql(
            DIRECT,
            "CREATE OR REPLACE FUNCTION set_updated() RETURNS trigger AS $$\n"
                + "BEGIN NEW.updated_at = now(); RETURN NEW; END;\n"
                + "$$ LANGUAGE plpgsql;\n"
                + "CREATE INDEX CONCURRENTLY IF NOT EXISTS account_email ON account (email);"));
  }

  @ParameterizedTest(name = "{0} ← {1}")
  @MethodSource("hibernate")
  void routesHibernateStatements(Route expected, String sql) {
    assertEquals(expected, SqlClassifier.classify(sql));
  }

  @ParameterizedTest(name = "{0} ← {1}")
  @MethodSource("jooq")
  void routesJooqStatementsWithQuotedNames(Route expected, String sql) {
    assertEquals(expected, SqlClassifier.classify(sql));
  }

  @ParameterizedTest(name = "{0} ← {1}")
  @MethodSource("flyway")
  void routesFlywayMigrationStatements(Route expected, String sql) {
    assertEquals(expected, SqlClassifier.classify(sql));
  }
}
