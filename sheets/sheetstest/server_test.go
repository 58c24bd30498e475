package sheetstest_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/googleapis/gax-go/v2/apierror"
	"google.golang.org/api/googleapi"
	"google.golang.org/api/sheets/v4"

	"github.com/auxon-planner/auxon/sheets/sheetstest"
)

func newFake(t *testing.T, opts *sheetstest.Options, seed sheetstest.Spreadsheet) (*sheetstest.Server, *sheets.Service, string) {
	t.Helper()
	s := sheetstest.NewServer(opts)
	t.Cleanup(s.Close)
	id, err := s.AddSpreadsheet(seed)
	if err != nil {
		t.Fatal(err)
	}
	svc, err := s.Service(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return s, svc, id
}

func seedData() sheetstest.Spreadsheet {
	return sheetstest.Spreadsheet{ID: "sp", Sheets: []sheetstest.Sheet{
		{Title: "Sheet1", Data: [][]any{{"A1", "B1", nil, "D1"}, {nil, "b2"}, nil, {"A4", "B4", "", "d4"}}},
		{Title: "My Sheet", Data: [][]any{{1, 2.5, true}, {sheetstest.Formula{Expr: "=1/0", Value: sheetstest.Error("#DIV/0!")}, sheetstest.Formula{Expr: "=A1*2", Value: 2}}}},
		{Title: "D3", Rows: 4, Cols: 4},
		{Title: "It's", Data: [][]any{{"q"}}},
	}}
}

// apiErr extracts the Google error of a call.
func apiErr(t *testing.T, err error) *googleapi.Error {
	t.Helper()
	var ge *googleapi.Error
	if !errors.As(err, &ge) {
		t.Fatalf("err = %v, want a *googleapi.Error", err)
	}
	return ge
}

func TestValuesGet(t *testing.T) {
	_, svc, id := newFake(t, nil, seedData())
	tests := []struct {
		rng, render, major string
		wantRange          string
		want               [][]any
	}{
		{"Sheet1", "", "", "Sheet1!A1:Z1000", [][]any{{"A1", "B1", "", "D1"}, {"", "b2"}, {}, {"A4", "B4", "", "d4"}}},
		{"'Sheet1'!A1:C", "", "", "Sheet1!A1:C1000", [][]any{{"A1", "B1"}, {"", "b2"}, {}, {"A4", "B4"}}},
		{"Sheet1!A1:1", "", "", "Sheet1!A1:Z1", [][]any{{"A1", "B1", "", "D1"}}},
		{"Sheet1!D4:A1", "", "", "Sheet1!A1:D4", [][]any{{"A1", "B1", "", "D1"}, {"", "b2"}, {}, {"A4", "B4", "", "d4"}}},
		{"sheet1!B2", "", "", "Sheet1!B2", [][]any{{"b2"}}},
		{"A1:B1", "", "COLUMNS", "Sheet1!A1:B1", [][]any{{"A1"}, {"B1"}}},
		{"Sheet1!C1:C3", "", "", "Sheet1!C1:C3", nil},
		{"'My Sheet'!A1:C2", "UNFORMATTED_VALUE", "", "'My Sheet'!A1:C2", [][]any{{1.0, 2.5, true}, {"#DIV/0!", 2.0}}},
		{"'My Sheet'!A1:C2", "FORMATTED_VALUE", "", "'My Sheet'!A1:C2", [][]any{{"1", "2.5", "TRUE"}, {"#DIV/0!", "2"}}},
		{"'My Sheet'!A2:B2", "FORMULA", "", "'My Sheet'!A2:B2", [][]any{{"=1/0", "=A1*2"}}},
		{"D3!A1", "", "", "'D3'!A1", nil},
		{"'It''s'!A:A", "UNFORMATTED_VALUE", "", "'It''s'!A1:A1000", [][]any{{"q"}}},
	}
	for _, tc := range tests {
		t.Run(tc.rng+tc.render+tc.major, func(t *testing.T) {
			call := svc.Spreadsheets.Values.Get(id, tc.rng)
			if tc.render != "" {
				call.ValueRenderOption(tc.render)
			}
			if tc.major != "" {
				call.MajorDimension(tc.major)
			}
			vr, err := call.Do()
			if err != nil {
				t.Fatal(err)
			}
			if vr.Range != tc.wantRange || !reflect.DeepEqual(vr.Values, tc.want) {
				t.Errorf("got %s %#v, want %s %#v", vr.Range, vr.Values, tc.wantRange, tc.want)
			}
		})
	}
}

func TestErrors(t *testing.T) {
	_, svc, id := newFake(t, nil, seedData())
	addSheet := func(title string) *sheets.Request {
		return &sheets.Request{AddSheet: &sheets.AddSheetRequest{Properties: &sheets.SheetProperties{Title: title}}}
	}
	tests := []struct {
		name string
		call func() error
		code int
		msg  string
	}{
		{"unknown sheet", func() error { _, err := svc.Spreadsheets.Values.Get(id, "Nope!A1").Do(); return err },
			400, "Unable to parse range: Nope!A1"},
		{"grid edge", func() error { _, err := svc.Spreadsheets.Values.Get(id, "Sheet1!A1001").Do(); return err },
			400, "Range (Sheet1!A1001) exceeds grid limits. Max rows: 1000, max columns: 26"},
		{"no spreadsheet", func() error { _, err := svc.Spreadsheets.Get("nope").Do(); return err },
			404, "Requested entity was not found."},
		{"no requests", func() error {
			_, err := svc.Spreadsheets.BatchUpdate(id, &sheets.BatchUpdateSpreadsheetRequest{}).Do()
			return err
		}, 400, "Must specify at least one request."},
		{"duplicate title", func() error {
			_, err := svc.Spreadsheets.BatchUpdate(id, &sheets.BatchUpdateSpreadsheetRequest{Requests: []*sheets.Request{addSheet("New"), addSheet("my sheet")}}).Do()
			return err
		}, 400, `Invalid requests[1].addSheet: A sheet with the name "my sheet" already exists. Please enter another name.`},
		{"fields required", func() error {
			_, err := svc.Spreadsheets.BatchUpdate(id, &sheets.BatchUpdateSpreadsheetRequest{Requests: []*sheets.Request{
				{RepeatCell: &sheets.RepeatCellRequest{Range: &sheets.GridRange{}, Cell: &sheets.CellData{}}}}}).Do()
			return err
		}, 400, "Invalid requests[0].repeatCell: At least one field must be listed in 'fields'. (Use '*' to indicate all fields.)"},
		{"no grid", func() error {
			_, err := svc.Spreadsheets.BatchUpdate(id, &sheets.BatchUpdateSpreadsheetRequest{Requests: []*sheets.Request{
				{DeleteSheet: &sheets.DeleteSheetRequest{SheetId: 77}}}}).Do()
			return err
		}, 400, "Invalid requests[0].deleteSheet: No grid with id: 77"},
		{"title too long", func() error {
			_, err := svc.Spreadsheets.BatchUpdate(id, &sheets.BatchUpdateSpreadsheetRequest{Requests: []*sheets.Request{addSheet(strings.Repeat("x", 101))}}).Do()
			return err
		}, 400, "Invalid requests[0].addSheet: The sheet name cannot be greater than 100 characters."},
		{"cell limit", func() error {
			_, err := svc.Spreadsheets.BatchUpdate(id, &sheets.BatchUpdateSpreadsheetRequest{Requests: []*sheets.Request{
				{AddSheet: &sheets.AddSheetRequest{Properties: &sheets.SheetProperties{Title: "Big", GridProperties: &sheets.GridProperties{RowCount: 1_000_000, ColumnCount: 10}}}}}}).Do()
			return err
		}, 400, "Invalid requests[0].addSheet: This action would increase the number of cells in the workbook above the limit of 10000000 cells."},
		{"freeze every row", func() error {
			_, err := svc.Spreadsheets.BatchUpdate(id, &sheets.BatchUpdateSpreadsheetRequest{Requests: []*sheets.Request{
				{AddSheet: &sheets.AddSheetRequest{Properties: &sheets.SheetProperties{Title: "F", GridProperties: &sheets.GridProperties{RowCount: 1, ColumnCount: 2, FrozenRowCount: 1}}}}}}).Do()
			return err
		}, 400, "Invalid requests[0].addSheet: You can't freeze all visible rows on the sheet."},
		{"input option", func() error {
			_, err := svc.Spreadsheets.Values.Update(id, "Sheet1!A1", &sheets.ValueRange{Values: [][]any{{"x"}}}).Do()
			return err
		}, 400, "'valueInputOption' is required but not specified"},
		{"write past range", func() error {
			_, err := svc.Spreadsheets.Values.Update(id, "Sheet1!A1:B1", &sheets.ValueRange{Values: [][]any{{"x", "y", "z"}}}).ValueInputOption("RAW").Do()
			return err
		}, 400, "Requested writing within range [Sheet1!A1:B1], but tried writing to column [C]"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ge := apiErr(t, tc.call())
			if ge.Code != tc.code || ge.Message != tc.msg {
				t.Errorf("got %d %q, want %d %q", ge.Code, ge.Message, tc.code, tc.msg)
			}
		})
	}
	// Nothing of the failed batches landed.
	ss, err := svc.Spreadsheets.Get(id).Do()
	if err != nil {
		t.Fatal(err)
	}
	if len(ss.Sheets) != 4 {
		t.Errorf("after failed batches: %d sheets, want 4", len(ss.Sheets))
	}
}

func TestBatchUpdateAppliesInOrder(t *testing.T) {
	_, svc, id := newFake(t, nil, seedData())
	resp, err := svc.Spreadsheets.BatchUpdate(id, &sheets.BatchUpdateSpreadsheetRequest{Requests: []*sheets.Request{
		{AddSheet: &sheets.AddSheetRequest{Properties: &sheets.SheetProperties{SheetId: 42, Title: "Out", Index: 1,
			GridProperties: &sheets.GridProperties{RowCount: 2, ColumnCount: 2}}}},
		{UpdateCells: &sheets.UpdateCellsRequest{Start: &sheets.GridCoordinate{SheetId: 42}, Fields: "userEnteredValue",
			Rows: []*sheets.RowData{{Values: []*sheets.CellData{{UserEnteredValue: &sheets.ExtendedValue{StringValue: ptr("=HYPERLINK(\"x\")")}}}}}}},
		{CreateDeveloperMetadata: &sheets.CreateDeveloperMetadataRequest{DeveloperMetadata: &sheets.DeveloperMetadata{
			MetadataKey: "k", MetadataValue: "v", Visibility: "DOCUMENT", Location: &sheets.DeveloperMetadataLocation{SheetId: 42}}}},
	}}).Do()
	if err != nil {
		t.Fatal(err)
	}
	if len(resp.Replies) != 3 || resp.Replies[0].AddSheet.Properties.SheetId != 42 || resp.Replies[0].AddSheet.Properties.Index != 1 ||
		resp.Replies[1].AddSheet != nil || resp.Replies[2].CreateDeveloperMetadata.DeveloperMetadata.MetadataId == 0 {
		t.Fatalf("replies = %s", mustJSON(resp.Replies))
	}
	vr, err := svc.Spreadsheets.Values.Get(id, "Out!A1:B2").ValueRenderOption("FORMULA").Do()
	if err != nil {
		t.Fatal(err)
	}
	if want := [][]any{{"=HYPERLINK(\"x\")"}}; !reflect.DeepEqual(vr.Values, want) {
		t.Errorf("text written as %v, want %v (stored as text, not a formula)", vr.Values, want)
	}
	if _, err := svc.Spreadsheets.Values.Get(id, "Out!C1").Do(); err == nil || !strings.Contains(err.Error(), "exceeds grid limits") {
		t.Errorf("read past the sized grid: err = %v", err)
	}
	ss, err := svc.Spreadsheets.Get(id).Fields("sheets(properties(title,index),developerMetadata)").Do()
	if err != nil {
		t.Fatal(err)
	}
	if ss.Sheets[1].Properties.Title != "Out" || len(ss.Sheets[1].DeveloperMetadata) != 1 || ss.Sheets[1].DeveloperMetadata[0].Location.LocationType != "SHEET" {
		t.Errorf("sheets = %s", mustJSON(ss.Sheets))
	}
	if ss.SpreadsheetId != "" || ss.Sheets[0].Properties.SheetId != 0 || ss.Sheets[0].Properties.GridProperties != nil {
		t.Errorf("field mask not applied: %s", mustJSON(ss))
	}
}

func TestGetGridData(t *testing.T) {
	_, svc, id := newFake(t, nil, sheetstest.Spreadsheet{Sheets: []sheetstest.Sheet{
		{Title: "A", Data: [][]any{{"x", nil, "y"}, nil, {1}}, Merges: []string{"A1:B1"}},
		{Title: "B", Data: [][]any{{"b"}}},
	}})
	ss, err := svc.Spreadsheets.Get(id).Ranges("A!A1:C3").IncludeGridData(true).Do()
	if err != nil {
		t.Fatal(err)
	}
	if len(ss.Sheets) != 1 || len(ss.Sheets[0].Merges) != 1 {
		t.Fatalf("got %d sheets, merges %v; want only A with its merge", len(ss.Sheets), ss.Sheets[0].Merges)
	}
	rows := ss.Sheets[0].Data[0].RowData
	if len(rows) != 3 || len(rows[0].Values) != 3 || len(rows[1].Values) != 0 || *rows[2].Values[0].EffectiveValue.NumberValue != 1 {
		t.Errorf("rowData = %s", mustJSON(rows))
	}
}

func TestQuota(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	s, svc, id := newFake(t, &sheetstest.Options{Now: func() time.Time { return now }, ReadsPerUser: 2}, seedData())
	for i := range 3 {
		_, err := svc.Spreadsheets.Get(id).Do()
		if i < 2 && err != nil {
			t.Fatal(err)
		}
		if i == 2 {
			ge := apiErr(t, err)
			var ae *apierror.APIError
			if ge.Code != 429 || !errors.As(err, &ae) || ae.Reason() != "RATE_LIMIT_EXCEEDED" ||
				!strings.HasPrefix(ge.Message, "Quota exceeded for quota metric 'Read requests'") {
				t.Fatalf("third read: %v (reason %q)", err, ae.Reason())
			}
		}
	}
	now = now.Add(time.Minute)
	if _, err := svc.Spreadsheets.Get(id).Do(); err != nil {
		t.Fatalf("next minute: %v", err)
	}
	if _, total := s.Calls(); total != 4 {
		t.Errorf("calls = %d, want 4", total)
	}
}

func TestFaults(t *testing.T) {
	tests := []struct {
		name      string
		fault     sheetstest.Fault
		wantCode  int
		wantSheet bool // the batch landed
	}{
		{"429", sheetstest.Fault{Status: 429}, 429, false},
		{"503", sheetstest.Fault{Status: 503}, 503, false},
		{"applied but 503", sheetstest.Fault{Status: 503, Apply: true}, 503, true},
		{"500 other method", sheetstest.Fault{Method: "spreadsheets.get", Status: 500}, 0, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s, svc, id := newFake(t, nil, seedData())
			s.Inject(tc.fault)
			_, err := svc.Spreadsheets.BatchUpdate(id, &sheets.BatchUpdateSpreadsheetRequest{Requests: []*sheets.Request{
				{AddSheet: &sheets.AddSheetRequest{Properties: &sheets.SheetProperties{Title: "New"}}}}}).Do()
			if tc.wantCode == 0 && err != nil || tc.wantCode != 0 && apiErr(t, err).Code != tc.wantCode {
				t.Fatalf("err = %v, want code %d", err, tc.wantCode)
			}
			ss, _ := s.Spreadsheet(id)
			if got := len(ss.Sheets) == 5; got != tc.wantSheet {
				t.Errorf("landed = %v, want %v", got, tc.wantSheet)
			}
		})
	}
}

func TestHangUntilClientGivesUp(t *testing.T) {
	s, svc, id := newFake(t, nil, seedData())
	s.Inject(sheetstest.Fault{Hang: true, Apply: true, Status: 503})
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	_, err := svc.Spreadsheets.BatchUpdate(id, &sheets.BatchUpdateSpreadsheetRequest{Requests: []*sheets.Request{
		{AddSheet: &sheets.AddSheetRequest{Properties: &sheets.SheetProperties{Title: "Slow"}}}}}).Context(ctx).Do()
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v, want a deadline", err)
	}
	if _, err := s.Values(id, "Slow!A1"); err != nil {
		t.Errorf("the slow write did not land: %v", err)
	}
}

func TestHookEditsBetweenCalls(t *testing.T) {
	s, svc, id := newFake(t, nil, seedData())
	s.SetHook(func(c sheetstest.Call) {
		if c.Write {
			s.Edit(c.Spreadsheet, func(e *sheetstest.Editor) error { return e.Rename("Sheet1", "Renamed") })
		}
	})
	_, err := svc.Spreadsheets.BatchUpdate(id, &sheets.BatchUpdateSpreadsheetRequest{Requests: []*sheets.Request{
		{AddSheet: &sheets.AddSheetRequest{Properties: &sheets.SheetProperties{Title: "Renamed"}}}}}).Do()
	if err == nil || !strings.Contains(err.Error(), "already exists") {
		t.Fatalf("err = %v, want the name taken by the human edit", err)
	}
}

func TestStrictRequestDecoding(t *testing.T) {
	s, _, id := newFake(t, nil, seedData())
	resp, err := s.Client().Post(s.URL()+"/v4/spreadsheets/"+id+":batchUpdate", "application/json",
		strings.NewReader(`{"requests":[{"addSheet":{"properties":{"titel":"x"}}}]}`))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 400 || !strings.Contains(string(b), `Unknown name \"titel\"`) {
		t.Errorf("got %d %s", resp.StatusCode, b)
	}
}

func ptr[T any](v T) *T { return &v }

func mustJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

func TestValuesUpdateAndAppend(t *testing.T) {
	_, svc, id := newFake(t, nil, sheetstest.Spreadsheet{Sheets: []sheetstest.Sheet{
		{Title: "Plan/2024", Rows: 4, Cols: 3, Data: [][]any{{"h1", "h2"}, {"a", 1}}}}})
	up, err := svc.Spreadsheets.Values.Update(id, "'Plan/2024'!A3:C4", &sheets.ValueRange{Values: [][]any{{"=1+1", "+x", nil}}}).
		ValueInputOption("USER_ENTERED").Do()
	if err != nil {
		t.Fatal(err)
	}
	if up.UpdatedRange != "'Plan/2024'!A3:B3" || up.UpdatedCells != 2 || up.UpdatedRows != 1 {
		t.Errorf("update response %s", mustJSON(up))
	}
	ap, err := svc.Spreadsheets.Values.Append(id, "Plan/2024!A1:C1", &sheets.ValueRange{Values: [][]any{{"b", 2.0}}}).
		ValueInputOption("RAW").InsertDataOption("INSERT_ROWS").Do()
	if err != nil {
		t.Fatal(err)
	}
	if ap.TableRange != "'Plan/2024'!A1:C3" || ap.Updates.UpdatedRange != "'Plan/2024'!A4:B4" {
		t.Errorf("append response %s", mustJSON(ap))
	}
	vr, err := svc.Spreadsheets.Values.Get(id, "'Plan/2024'").ValueRenderOption("FORMULA").Do()
	if err != nil {
		t.Fatal(err)
	}
	want := [][]any{{"h1", "h2"}, {"a", 1.0}, {"=1+1", "+x"}, {"b", 2.0}}
	if vr.Range != "'Plan/2024'!A1:C5" || !reflect.DeepEqual(vr.Values, want) {
		t.Errorf("after update and append: %s %v, want A1:C5 %v", vr.Range, vr.Values, want)
	}
	_, err = svc.Spreadsheets.Values.Append(id, "Plan/2024!A1:C1", &sheets.ValueRange{Values: [][]any{{"c"}, {"d"}}}).
		ValueInputOption("RAW").InsertDataOption("OVERWRITE").Do()
	if ge := apiErr(t, err); !strings.Contains(ge.Message, "exceeds grid limits") {
		t.Errorf("append past the grid without INSERT_ROWS: %v", ge.Message)
	}
}

func TestProtectedRanges(t *testing.T) {
	s, svc, id := newFake(t, nil, sheetstest.Spreadsheet{Owner: "owner@example.com", Sheets: []sheetstest.Sheet{
		{Title: "Demand", Data: [][]any{{"Service", "Demand"}, {"web", 1}}}}})
	if err := s.Edit(id, func(e *sheetstest.Editor) error { return e.Protect("Demand!A1:B2") }); err != nil {
		t.Fatal(err)
	}
	_, err := svc.Spreadsheets.BatchUpdate(id, &sheets.BatchUpdateSpreadsheetRequest{Requests: []*sheets.Request{
		{AddProtectedRange: &sheets.AddProtectedRangeRequest{ProtectedRange: &sheets.ProtectedRange{WarningOnly: true,
			Range: &sheets.GridRange{StartRowIndex: 5, EndRowIndex: 6}}}}}}).Do()
	if err != nil {
		t.Fatal(err)
	}
	const msg = "You are trying to edit a protected cell or object. Please contact the spreadsheet owner to remove protection if you need to edit."
	tests := []struct {
		name, want string
		call       func() error
	}{
		{"values.update", msg, func() error {
			_, err := svc.Spreadsheets.Values.Update(id, "Demand!B2", &sheets.ValueRange{Values: [][]any{{5}}}).ValueInputOption("RAW").Do()
			return err
		}},
		{"updateCells", "Invalid requests[0].updateCells: " + msg, func() error {
			_, err := svc.Spreadsheets.BatchUpdate(id, &sheets.BatchUpdateSpreadsheetRequest{Requests: []*sheets.Request{
				{UpdateCells: &sheets.UpdateCellsRequest{Range: &sheets.GridRange{StartRowIndex: 1, EndRowIndex: 2}, Fields: "note"}}}}).Do()
			return err
		}},
		{"clear", msg, func() error {
			_, err := svc.Spreadsheets.Values.Clear(id, "Demand!A:A", &sheets.ClearValuesRequest{}).Do()
			return err
		}},
		{"warning only", "", func() error {
			_, err := svc.Spreadsheets.Values.Update(id, "Demand!A6", &sheets.ValueRange{Values: [][]any{{"ok"}}}).ValueInputOption("RAW").Do()
			return err
		}},
		{"outside", "", func() error {
			_, err := svc.Spreadsheets.Values.Update(id, "Demand!C1", &sheets.ValueRange{Values: [][]any{{"ok"}}}).ValueInputOption("RAW").Do()
			return err
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.call()
			if tc.want == "" && err != nil || tc.want != "" && apiErr(t, err).Message != tc.want {
				t.Errorf("err = %v, want %q", err, tc.want)
			}
		})
	}
	ss, err := svc.Spreadsheets.Get(id).Do()
	if err != nil || len(ss.Sheets[0].ProtectedRanges) != 2 {
		t.Fatalf("protected ranges: %v %v", ss, err)
	}
}

// TestFormattedValuesFollowLocale: FORMATTED_VALUE depends on the locale
// and the number format, UNFORMATTED_VALUE does not.
func TestFormattedValuesFollowLocale(t *testing.T) {
	for _, tc := range []struct{ locale, want string }{{"en_US", "1,234.5"}, {"de_DE", "1.234,5"}} {
		_, svc, id := newFake(t, nil, sheetstest.Spreadsheet{Locale: tc.locale, Sheets: []sheetstest.Sheet{{Title: "S", Data: [][]any{{1234.5}}}}})
		_, err := svc.Spreadsheets.BatchUpdate(id, &sheets.BatchUpdateSpreadsheetRequest{Requests: []*sheets.Request{{RepeatCell: &sheets.RepeatCellRequest{
			Range: &sheets.GridRange{EndRowIndex: 1, EndColumnIndex: 1}, Fields: "userEnteredFormat.numberFormat",
			Cell: &sheets.CellData{UserEnteredFormat: &sheets.CellFormat{NumberFormat: &sheets.NumberFormat{Type: "NUMBER", Pattern: "#,##0.##"}}}}}}}).Do()
		if err != nil {
			t.Fatal(err)
		}
		for render, want := range map[string]any{"FORMATTED_VALUE": tc.want, "UNFORMATTED_VALUE": 1234.5} {
			vr, err := svc.Spreadsheets.Values.Get(id, "S!A1").ValueRenderOption(render).Do()
			if err != nil || len(vr.Values) != 1 || vr.Values[0][0] != want {
				t.Errorf("%s %s: %v %v, want %v", tc.locale, render, vr, err, want)
			}
		}
	}
}

func TestAuthChecks(t *testing.T) {
	s := sheetstest.NewServer(&sheetstest.Options{RequireAuth: true})
	defer s.Close()
	id, err := s.AddSpreadsheet(sheetstest.Spreadsheet{Writers: []string{"w@example.com"}, Readers: []string{"r@example.com"}})
	if err != nil {
		t.Fatal(err)
	}
	const ro, rw = "https://www.googleapis.com/auth/spreadsheets.readonly", "https://www.googleapis.com/auth/spreadsheets"
	tests := []struct {
		name, token     string
		write           bool
		code            int
		reason, message string
	}{
		{"no token", "", false, 401, "", "Request is missing required authentication credential."},
		{"bad token", "ya29.nope", false, 401, "", "Request had invalid authentication credentials."},
		{"reader reads", s.IssueToken("r@example.com", ro), false, 0, "", ""},
		{"read-only scope writes", s.IssueToken("w@example.com", ro), true, 403, "ACCESS_TOKEN_SCOPE_INSUFFICIENT", "Request had insufficient authentication scopes."},
		{"reader writes", s.IssueToken("r@example.com", rw), true, 403, "", "The caller does not have permission"},
		{"stranger reads", s.IssueToken("x@example.com", rw), false, 403, "", "The caller does not have permission"},
		{"writer writes", s.IssueToken("w@example.com", rw), true, 0, "", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			svc, err := s.ServiceWithToken(context.Background(), tc.token)
			if tc.token == "" {
				svc, err = s.Service(context.Background())
			}
			if err != nil {
				t.Fatal(err)
			}
			if tc.write {
				_, err = svc.Spreadsheets.BatchUpdate(id, &sheets.BatchUpdateSpreadsheetRequest{Requests: []*sheets.Request{
					{AddSheet: &sheets.AddSheetRequest{Properties: &sheets.SheetProperties{Title: tc.name}}}}}).Do()
			} else {
				_, err = svc.Spreadsheets.Get(id).Do()
			}
			if tc.code == 0 {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			ge := apiErr(t, err)
			var ae *apierror.APIError
			errors.As(err, &ae)
			if ge.Code != tc.code || !strings.HasPrefix(ge.Message, tc.message) || tc.reason != "" && ae.Reason() != tc.reason {
				t.Errorf("got %d %q (reason %q), want %d %q %q", ge.Code, ge.Message, ae.Reason(), tc.code, tc.message, tc.reason)
			}
		})
	}
}
