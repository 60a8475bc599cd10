{{- define "cloudtemple-operator.name" -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "cloudtemple-operator.labels" -}}
app.kubernetes.io/name: cloudtemple-operator
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end -}}

{{- define "cloudtemple-operator.selector" -}}
app.kubernetes.io/name: cloudtemple-operator
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "cloudtemple-operator.webhookService" -}}
{{- printf "%s-webhook" (include "cloudtemple-operator.name" .) -}}
{{- end -}}

{{- define "cloudtemple-operator.credentialsSecret" -}}
{{- if .Values.credentials.existingSecret -}}
{{- .Values.credentials.existingSecret -}}
{{- else if .Values.credentials.id -}}
{{- printf "%s-credentials" (include "cloudtemple-operator.name" .) -}}
{{- end -}}
{{- end -}}
