{{/* Behind a flag, not a Capabilities check: an offline render cannot know which CRDs a cluster has. */}}
{{- define "common.servicemonitor" -}}
{{- if .Values.metrics.serviceMonitor.enabled }}
apiVersion: monitoring.coreos.com/v1
kind: ServiceMonitor
metadata:
  name: {{ include "common.names.fullname" . }}
  namespace: {{ .Release.Namespace | quote }}
  labels:
    {{- include "common.labels.standard" . | nindent 4 }}
    {{- with .Values.metrics.serviceMonitor.labels }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
spec:
  selector:
    matchLabels:
      {{- include "common.labels.matchLabels" . | nindent 6 }}
  endpoints:
    - port: management
      path: /q/metrics
      interval: {{ .Values.metrics.serviceMonitor.interval }}
{{- end }}
{{- end -}}
