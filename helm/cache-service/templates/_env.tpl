{{/* Env vars of this service beyond the shared infrastructure ones: auth-service (admin tokens) and the namespaces created at start. */}}
{{- define "cache-service.env" -}}
- name: CACHE_AUTH_URL
  value: {{ default (printf "http://%s:8080" (include "common.names.sibling" (dict "context" $ "chart" "auth-service"))) .Values.authUrl | quote }}
{{- range $name, $ns := .Values.namespaces }}
{{- $env := printf "CACHE_NAMESPACES_%s_" (upper $name) }}
{{- if $ns.existingSecret }}
{{ include "common.secrets.env" (dict "env" (print $env "READ_WRITE_TOKENS") "secret" $ns.existingSecret "key" (default "read-write-token" $ns.readWriteTokenKey) "value" (printf "namespaces.%s.existingSecret" $name)) }}
{{ include "common.secrets.env" (dict "env" (print $env "READ_ONLY_TOKENS") "secret" $ns.existingSecret "key" (default "read-only-token" $ns.readOnlyTokenKey) "value" (printf "namespaces.%s.existingSecret" $name) "optional" true) }}
{{- end }}
{{- range $key, $setting := dict "DEFAULT_TTL" $ns.defaultTtl "MAX_TTL" $ns.maxTtl "MAX_VALUE_BYTES" $ns.maxValueBytes "MAX_KEYS" $ns.maxKeys "REQUESTS_PER_SECOND" $ns.requestsPerSecond "STALE_WHILE_REVALIDATE" $ns.staleWhileRevalidate "LEASE_TTL" $ns.leaseTtl "LEASE_WAIT" $ns.leaseWait "USER_ACCESS" $ns.userAccess }}
{{- if $setting }}
- name: {{ print $env $key }}
  value: {{ $setting | toString | quote }}
{{- end }}
{{- end }}
{{- with $ns.commands }}
- name: {{ print $env "COMMANDS" }}
  value: {{ join "," . | quote }}
{{- end }}
{{- end }}
{{- end -}}
