/** HTTP resources, their DTOs and exception mappers. */
package dev.groundwork.monitoring.rest;
