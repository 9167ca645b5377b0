/** Health checks beyond the built-in Postgres and Redis ones. */
package dev.groundwork.auth.health;
