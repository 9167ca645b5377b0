{{/*
An env var read from an existing Secret. The charts create no Secrets: the platform team creates them, the
charts only name them, and a missing name fails the render with a message that says which value to set.
  include "common.secrets.env" (dict "env" "REDIS_URL" "secret" .Values.global.redis.existingSecret
                                     "key" .Values.global.redis.urlKey "value" "global.redis.existingSecret")
*/}}
{{- define "common.secrets.env" -}}
- name: {{ .env }}
  valueFrom:
    secretKeyRef:
      name: {{ required (printf "%s is required: the name of the Secret that holds %s" .value .env) .secret | quote }}
      key: {{ required (printf "the key of %s in its Secret is required" .env) .key | quote }}
      {{- if .optional }}
      optional: true
      {{- end }}
{{- end -}}

{{/* The env every service gets: Redis always, Supabase Postgres when the chart says it has a schema. */}}
{{- define "common.secrets.infrastructureEnv" -}}
{{- include "common.secrets.env" (dict "env" "REDIS_URL" "secret" .Values.global.redis.existingSecret "key" .Values.global.redis.urlKey "value" "global.redis.existingSecret") }}
{{- if .Values.database.enabled }}
{{ include "common.secrets.env" (dict "env" "SUPABASE_DB_URL" "secret" .Values.global.supabase.existingSecret "key" .Values.global.supabase.urlKey "value" "global.supabase.existingSecret") }}
{{ include "common.secrets.env" (dict "env" "SUPABASE_DB_USER" "secret" .Values.global.supabase.existingSecret "key" .Values.global.supabase.userKey "value" "global.supabase.existingSecret" "optional" true) }}
{{ include "common.secrets.env" (dict "env" "SUPABASE_DB_PASSWORD" "secret" .Values.global.supabase.existingSecret "key" .Values.global.supabase.passwordKey "value" "global.supabase.existingSecret" "optional" true) }}
{{- end }}
{{- end -}}
