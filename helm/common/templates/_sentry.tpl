{{/*
Where the service reports its own errors (docs/monitoring-service.md, "The fleet's own errors"): SENTRY_DSN from the
Secret global.sentry.existingSecret (key global.sentry.dsnKey), with the environment and the release (groundwork@<image
tag>). Nothing without a Secret name: the reporting stays off. The chart's env map wins over SENTRY_ENVIRONMENT and
SENTRY_RELEASE.
  include "common.sentry.env" .
*/}}
{{- define "common.sentry.env" -}}
{{- $sentry := (.Values.global).sentry | default dict -}}
{{- if $sentry.existingSecret }}
{{ include "common.secrets.env" (dict "env" "SENTRY_DSN" "secret" $sentry.existingSecret "key" (default "SENTRY_DSN" $sentry.dsnKey) "value" "global.sentry.existingSecret") }}
{{- if not (hasKey .Values.env "SENTRY_ENVIRONMENT") }}
- name: SENTRY_ENVIRONMENT
  value: {{ default "production" $sentry.environment | quote }}
{{- end }}
{{- if not (hasKey .Values.env "SENTRY_RELEASE") }}
- name: SENTRY_RELEASE
  value: {{ printf "groundwork@%s" (default .Chart.AppVersion .Values.image.tag) | quote }}
{{- end }}
{{- end }}
{{- end -}}
