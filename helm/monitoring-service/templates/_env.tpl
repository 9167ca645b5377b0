{{/* Env vars of this service beyond the shared infrastructure ones. */}}
{{- define "monitoring-service.env" -}}
{{- /* DSNs handed to SDKs are built from the public URL. */}}
{{- include "common.publicBaseUrl" (dict "context" . "env" "MONITORING_PUBLIC_BASE_URL") }}
{{- end -}}
