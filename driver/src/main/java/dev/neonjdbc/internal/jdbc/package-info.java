/**
 * The JDBC objects an application holds: the logical connection, statements, result sets and
 * metadata, each a thin delegate over pgJDBC that points back at the logical objects.
 */
package dev.neonjdbc.internal.jdbc;
