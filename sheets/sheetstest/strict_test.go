package sheetstest

import (
	"io"
	"net/http"
	"strings"
	"testing"
)

type canned string

func (c canned) RoundTrip(r *http.Request) (*http.Response, error) {
	return &http.Response{StatusCode: 200, Body: io.NopCloser(strings.NewReader(string(c))), Request: r}, nil
}

func TestStrictTransportRejectsUnknownFields(t *testing.T) {
	tests := []struct {
		path, body string
		ok         bool
	}{
		{"/v4/spreadsheets/x", `{"spreadsheetId":"x","sheets":[{"properties":{"title":"a"}}]}`, true},
		{"/v4/spreadsheets/x", `{"spreadsheetId":"x","sheetz":[]}`, false},
		{"/v4/spreadsheets/x/values/A1", `{"range":"Sheet1!A1","values":[[1]]}`, true},
		{"/v4/spreadsheets/x/values/A1", `{"range":"Sheet1!A1","rows":[[1]]}`, false},
		{"/v4/spreadsheets/x:batchUpdate", `{"replies":[{"addSheet":{"properties":{"sheetId":1}}}]}`, true},
		{"/v4/spreadsheets/x:batchUpdate", `{"replies":[{"addTab":{}}]}`, false},
	}
	for _, tc := range tests {
		req, _ := http.NewRequest(http.MethodGet, "http://fake"+tc.path, nil)
		if strings.HasSuffix(tc.path, ":batchUpdate") {
			req.Method = http.MethodPost
		}
		_, err := strictTransport{base: canned(tc.body)}.RoundTrip(req)
		if (err == nil) != tc.ok {
			t.Errorf("%s %s: err = %v, want ok=%v", tc.path, tc.body, err, tc.ok)
		}
	}
}
