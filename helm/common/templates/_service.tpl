{{- define "common.service" -}}
apiVersion: v1
kind: Service
metadata:
  name: {{ include "common.names.fullname" . }}
  namespace: {{ .Release.Namespace | quote }}
  labels:
    {{- include "common.labels.standard" . | nindent 4 }}
spec:
  type: {{ .Values.service.type }}
  ports:
    - name: http
      port: {{ .Values.service.port }}
      targetPort: http
      protocol: TCP
    # Only for the ServiceMonitor (Prometheus scrapes /q/metrics here); the Ingress routes http alone.
    - name: management
      port: 9000
      targetPort: management
      protocol: TCP
  selector:
    {{- include "common.labels.matchLabels" . | nindent 4 }}
{{- end -}}
