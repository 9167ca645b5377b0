package dev.groundwork.monitoring.service;

import dev.groundwork.http.Problem;
import dev.groundwork.monitoring.config.MonitoringConfig;
import dev.groundwork.monitoring.repository.ProjectRepository;
import dev.groundwork.monitoring.repository.ProjectRepository.ProjectRow;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * Who may use the read API for a project: the admin role, or a token with the scope {@code monitoring:<project>}
 * (a service account's client_credentials token, as for cache namespaces). Managing projects and keys is the
 * admin's. Tokens of ended sessions never get here (libs/sessions refuses them).
 */
@ApplicationScoped
public class ProjectAccess {

    public static final String ADMIN_ROLE = "admin";
    public static final String SCOPE_PREFIX = "monitoring:";

    @Inject
    ProjectRepository projects;
    @Inject
    MonitoringConfig config;

    /** The project, when the caller may read it; 404 for an unknown organization or project, 403 otherwise. */
    public ProjectRow readable(String organization, String slug, SecurityIdentity caller) {
        organization(organization);
        ProjectRow project = projects.bySlug(slug).orElseThrow(() -> new Problem(404, ApiErrors.NOT_FOUND, "no project " + slug));
        return check(project, caller);
    }

    public ProjectRow readable(long projectId, SecurityIdentity caller) {
        ProjectRow project = projects.byId(projectId).orElseThrow(() -> new Problem(404, ApiErrors.NOT_FOUND, "no such project"));
        return check(project, caller);
    }

    public boolean mayRead(ProjectRow project, SecurityIdentity caller) {
        return caller.hasRole(ADMIN_ROLE) || caller.hasRole(SCOPE_PREFIX + project.slug());
    }

    public void admin(String organization, SecurityIdentity caller) {
        organization(organization);
        if (!caller.hasRole(ADMIN_ROLE)) {
            throw new Problem(403, ApiErrors.FORBIDDEN, "managing projects and keys needs the admin role");
        }
    }

    private ProjectRow check(ProjectRow project, SecurityIdentity caller) {
        if (!mayRead(project, caller)) {
            throw new Problem(403, ApiErrors.FORBIDDEN, "this token needs the scope " + SCOPE_PREFIX + project.slug() + " or the admin role");
        }
        return project;
    }

    /** The one organization's slug. */
    public String organizationSlug() {
        return config.organization();
    }

    /** 404 unless this is the organization (there is one: monitoring.organization). */
    public void organization(String organization) {
        if (!config.organization().equals(organization)) {
            throw new Problem(404, ApiErrors.NOT_FOUND, "no organization " + organization + " (this one is " + config.organization() + ")");
        }
    }
}
