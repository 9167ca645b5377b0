/** Publishers and consumers of the fleet's events. */
package dev.groundwork.auth.events;
