/** Persistence: Panache repositories and entities. */
package dev.groundwork.auth.repository;
