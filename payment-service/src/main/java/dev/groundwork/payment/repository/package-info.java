/** Persistence: Panache repositories and entities. */
package dev.groundwork.payment.repository;
