{{/* Env vars of this service beyond the shared infrastructure ones. */}}
{{- define "gateway.env" -}}
{{- range $upstream, $chart := dict "auth" "auth-service" "payment" "payment-service" "cache" "cache-service" "monitoring" "monitoring-service" }}
- name: GATEWAY_UPSTREAMS_{{ upper $upstream }}
  value: {{ default (printf "http://%s:8080" (include "common.names.sibling" (dict "context" $ "chart" $chart))) (index $.Values.upstreams $upstream) | quote }}
{{- end }}
{{- range $id, $route := .Values.routes }}
{{- range $field, $value := $route }}
{{- if kindIs "map" $value }}
{{- /* A group of fields (cache): GATEWAY_ROUTES_<ID>_CACHE_<FIELD>. */}}
{{- range $inner, $innerValue := $value }}
- name: GATEWAY_ROUTES_{{ $id | upper | replace "-" "_" }}_{{ $field | snakecase | upper }}_{{ $inner | snakecase | upper }}
  value: {{ $innerValue | toString | quote }}
{{- end }}
{{- else }}
- name: GATEWAY_ROUTES_{{ $id | upper | replace "-" "_" }}_{{ $field | snakecase | upper }}
  value: {{ ternary (join "," $value) $value (kindIs "slice" $value) | toString | quote }}
{{- end }}
{{- end }}
{{- end }}
{{- range $name, $policy := .Values.rateLimits }}
- name: GATEWAY_RATE_LIMITS_{{ upper $name }}_LIMIT
  value: {{ $policy.limit | toString | quote }}
- name: GATEWAY_RATE_LIMITS_{{ upper $name }}_WINDOW
  value: {{ $policy.window | quote }}
{{- end }}
- name: GATEWAY_RATE_LIMIT_FAIL_OPEN
  value: {{ .Values.rateLimitFailOpen | toString | quote }}
{{- with .Values.trustedProxies }}
- name: GATEWAY_TRUSTED_PROXIES
  value: {{ join "," . | quote }}
{{- end }}
{{- with .Values.corsOrigins }}
- name: GATEWAY_CORS_ORIGINS
  value: {{ join "," . | quote }}
{{- end }}
{{- end -}}
