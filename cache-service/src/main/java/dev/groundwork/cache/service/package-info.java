/** The service's logic, independent of HTTP and storage. */
package dev.groundwork.cache.service;
