package sheetstest

import (
	"encoding/json"
	"fmt"
	"net/http"
)

// apiError is a Google-format error: HTTP status, canonical status name,
// message and details.
type apiError struct {
	code    int
	message string
	details []any
}

func (e *apiError) Error() string { return fmt.Sprintf("%d %s", e.code, e.message) }

var statusNames = map[int]string{
	400: "INVALID_ARGUMENT", 401: "UNAUTHENTICATED", 403: "PERMISSION_DENIED", 404: "NOT_FOUND",
	409: "ABORTED", 429: "RESOURCE_EXHAUSTED", 500: "INTERNAL", 503: "UNAVAILABLE",
	504: "DEADLINE_EXCEEDED",
}

// Verbatim messages of the real service.
const (
	msgNotFound        = "Requested entity was not found."
	msgNoPermission    = "The caller does not have permission"
	msgScopes          = "Request had insufficient authentication scopes."
	msgInvalidCreds    = "Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project."
	msgMissingCreds    = "Request is missing required authentication credential. Expected OAuth 2 access token, login cookie or other valid authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project."
	msgInternal        = "Internal error encountered."
	msgUnavailable     = "The service is currently unavailable."
	msgNoRequests      = "Must specify at least one request."
	msgFieldsRequired  = "At least one field must be listed in 'fields'. (Use '*' to indicate all fields.)"
	msgCellLimit       = "This action would increase the number of cells in the workbook above the limit of 10000000 cells."
	msgCellText        = "Your input contains more than the maximum of 50000 characters in a single cell."
	msgRemoveAll       = "You can't remove all the sheets in a document."
	msgHideAll         = "You can't hide all the sheets in a document."
	msgTitleEmpty      = "The sheet name cannot be empty."
	msgTitleLong       = "The sheet name cannot be greater than 100 characters."
	msgInputOptionNeed = "'valueInputOption' is required but not specified"
	msgFreezeRows      = "You can't freeze all visible rows on the sheet."
	msgFreezeCols      = "You can't freeze all visible columns on the sheet."
)

func newError(code int, format string, args ...any) *apiError {
	return &apiError{code: code, message: fmt.Sprintf(format, args...)}
}

func badRequest(format string, args ...any) *apiError { return newError(400, format, args...) }

func errorInfo(reason string, meta map[string]string) map[string]any {
	m := map[string]any{"@type": "type.googleapis.com/google.rpc.ErrorInfo", "reason": reason, "domain": "googleapis.com"}
	if meta != nil {
		m["metadata"] = meta
	}
	return m
}

func scopeError() *apiError {
	e := newError(403, msgScopes)
	e.details = []any{errorInfo("ACCESS_TOKEN_SCOPE_INSUFFICIENT", map[string]string{
		"service": "sheets.googleapis.com", "method": "google.apps.sheets.v4.SpreadsheetsService"})}
	return e
}

func unauthenticated(msg string) *apiError {
	e := newError(401, "%s", msg)
	e.details = []any{errorInfo("ACCESS_TOKEN_TYPE_UNSUPPORTED", map[string]string{"service": "sheets.googleapis.com"})}
	return e
}

// quotaError is the real 429 body for the read or write bucket.
func quotaError(write bool, perUser bool) *apiError {
	metric, limitName, title := "read_requests", "ReadRequestsPerMinute", "Read requests"
	if write {
		metric, limitName, title = "write_requests", "WriteRequestsPerMinute", "Write requests"
	}
	limitValue := "300"
	limitText := title + " per minute"
	if perUser {
		limitName += "PerUser"
		limitValue = "60"
		limitText += " per user"
	}
	e := newError(429, "Quota exceeded for quota metric '%s' and limit '%s' of service 'sheets.googleapis.com' for consumer 'project_number:%s'.",
		title, limitText, projectNumber)
	e.details = []any{
		errorInfo("RATE_LIMIT_EXCEEDED", map[string]string{
			"quota_location": "global", "quota_metric": "sheets.googleapis.com/" + metric, "quota_limit_value": limitValue,
			"consumer": "projects/" + projectNumber, "service": "sheets.googleapis.com", "quota_limit": limitName,
		}),
		map[string]any{"@type": "type.googleapis.com/google.rpc.Help", "links": []any{map[string]any{
			"description": "Request a higher quota limit.", "url": "https://cloud.google.com/docs/quota#requesting_higher_quota"}}},
	}
	return e
}

// writeError writes e in Google's JSON error envelope.
func writeError(w http.ResponseWriter, e *apiError) {
	body := map[string]any{"code": e.code, "message": e.message, "status": statusNames[e.code]}
	if len(e.details) > 0 {
		body["details"] = e.details
	}
	writeJSON(w, e.code, map[string]any{"error": body})
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		code, b = 500, []byte(`{"error":{"code":500,"message":"`+msgInternal+`","status":"INTERNAL"}}`)
	}
	w.Header().Set("Content-Type", "application/json; charset=UTF-8")
	w.WriteHeader(code)
	w.Write(b)
}
