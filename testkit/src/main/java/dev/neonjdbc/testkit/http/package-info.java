/**
 * Neon's SQL over HTTP for tests: {@link dev.neonjdbc.testkit.http.HttpSqlEndpoint} ({@code POST
 * https://api.DOMAIN/sql} with Neon's headers, bodies, JSON, errors, limits, batch transactions and
 * pooled sessions reset between requests), backed by a stack's PostgreSQL and reached through
 * {@link dev.neonjdbc.testkit.NeonStack#httpSql()}; {@link dev.neonjdbc.testkit.http.HttpSqlRequest}
 * is its request log.
 */
package dev.neonjdbc.testkit.http;
