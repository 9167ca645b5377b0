{{/* Env vars of this service beyond the shared infrastructure ones. */}}
{{- define "monitoring-service.env" -}}
- name: MONITORING_AUTH_URL
  value: {{ default (printf "http://%s:8080" (include "common.names.sibling" (dict "context" $ "chart" "auth-service"))) .Values.authUrl | quote }}
{{- /* DSNs handed to SDKs are built from the public URL. */}}
{{- include "common.publicBaseUrl" (dict "context" . "env" "MONITORING_PUBLIC_BASE_URL") }}
{{- /* Declared projects: the id as a value, the DSN keys only ever from the platform team's Secret. */}}
{{- range $slug, $project := .Values.projects }}
{{- $env := printf "MONITORING_PROJECTS_%s_" (upper $slug) }}
- name: {{ print $env "ID" }}
  value: {{ $project.id | toString | quote }}
{{- if $project.existingSecret }}
{{ include "common.secrets.env" (dict "env" (print $env "DSN_KEYS") "secret" $project.existingSecret "key" (default "dsn-keys" $project.dsnKeysKey) "value" (printf "projects.%s.existingSecret" $slug)) }}
{{- end }}
{{- end }}
{{- /* Alert rules: settings as values, the webhook URL (a secret) only ever from the platform team's Secret. */}}
{{- range $name, $rule := .Values.alerts }}
{{- $env := printf "MONITORING_ALERTS_%s_" (upper $name) }}
- name: {{ print $env "TRIGGER" }}
  value: {{ $rule.trigger | quote }}
{{- range $key, $suffix := dict "project" "PROJECT" "environment" "ENVIRONMENT" "throttle" "THROTTLE" "spikeEvents" "SPIKE_EVENTS" "spikeMinutes" "SPIKE_MINUTES" }}
{{- if hasKey $rule $key }}
- name: {{ print $env $suffix }}
  value: {{ get $rule $key | toString | quote }}
{{- end }}
{{- end }}
{{ include "common.secrets.env" (dict "env" (print $env "WEBHOOK_URL") "secret" $rule.existingSecret "key" (default "webhook-url" $rule.webhookUrlKey) "value" (printf "alerts.%s.existingSecret" $name)) }}
{{- end }}
{{- /* Fleet health: name=readiness URL, by default the management port of the chart of that name in this release. */}}
{{- $services := list }}
{{- range $name, $url := .Values.fleet.services }}
{{- /* null: left out (an umbrella's default that a values file removes; Helm hands the null down to the subchart). */}}
{{- if not (kindIs "invalid" $url) }}
{{- $services = append $services (printf "%s=%s" $name (default (printf "http://%s:9000/q/health/ready" (include "common.names.sibling" (dict "context" $ "chart" $name))) $url)) }}
{{- end }}
{{- end }}
{{- with $services }}
- name: MONITORING_FLEET_SERVICES
  value: {{ join "," . | quote }}
{{- end }}
- name: MONITORING_FLEET_INTERVAL
  value: {{ .Values.fleet.interval | quote }}
- name: MONITORING_FLEET_TIMEOUT
  value: {{ .Values.fleet.timeout | quote }}
- name: MONITORING_FLEET_FAILURE_THRESHOLD
  value: {{ .Values.fleet.failureThreshold | toString | quote }}
{{- end -}}
