/** driver module. */
package dev.neonjdbc;
