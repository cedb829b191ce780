/** datasource module. */
package dev.neonjdbc.datasource;
