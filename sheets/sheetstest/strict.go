package sheetstest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"

	"google.golang.org/api/sheets/v4"
)

// strictTransport checks that every successful API response decodes
// strictly (no unknown fields) as the sheets/v4 type its method returns,
// so the fake cannot drift from the real client's types. A response that
// does not is turned into a transport error naming the field.
type strictTransport struct {
	base http.RoundTripper
}

func (st strictTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := st.base.RoundTrip(r)
	if err != nil || resp.StatusCode != http.StatusOK || !strings.HasPrefix(r.URL.Path, "/v4/") {
		return resp, err
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		return nil, err
	}
	resp.Body = io.NopCloser(bytes.NewReader(body))
	v := responseType(r)
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return nil, fmt.Errorf("sheetstest: %s %s: the response does not decode strictly as %T: %w", r.Method, r.URL.Path, v, err)
	}
	return resp, nil
}

// responseType is the sheets/v4 type of a method's response.
func responseType(r *http.Request) any {
	p := r.URL.EscapedPath()
	switch {
	case strings.HasSuffix(p, "values:batchGet"):
		return &sheets.BatchGetValuesResponse{}
	case strings.HasSuffix(p, "values:batchUpdate"):
		return &sheets.BatchUpdateValuesResponse{}
	case strings.HasSuffix(p, ":batchUpdate"):
		return &sheets.BatchUpdateSpreadsheetResponse{}
	case strings.Contains(p, "/values/") && strings.HasSuffix(p, ":append"):
		return &sheets.AppendValuesResponse{}
	case strings.Contains(p, "/values/") && strings.HasSuffix(p, ":clear"):
		return &sheets.ClearValuesResponse{}
	case strings.Contains(p, "/values/") && r.Method == http.MethodPut:
		return &sheets.UpdateValuesResponse{}
	case strings.Contains(p, "/values/"):
		return &sheets.ValueRange{}
	}
	return &sheets.Spreadsheet{}
}
