/** Persistence: Panache repositories and entities. */
package dev.groundwork.monitoring.repository;
