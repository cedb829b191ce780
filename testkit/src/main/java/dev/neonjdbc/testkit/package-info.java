/** testkit module. */
package dev.neonjdbc.testkit;
