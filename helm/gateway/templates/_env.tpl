{{/* Env vars of this service beyond the shared infrastructure ones. */}}
{{- define "gateway.env" -}}
{{- range $upstream, $chart := dict "auth" "auth-service" "payment" "payment-service" "cache" "cache-service" "monitoring" "monitoring-service" }}
- name: GATEWAY_UPSTREAMS_{{ upper $upstream }}
  value: {{ default (printf "http://%s:8080" (include "common.names.sibling" (dict "context" $ "chart" $chart))) (index $.Values.upstreams $upstream) | quote }}
{{- end }}
{{- end -}}
