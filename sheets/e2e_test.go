package sheets_test

import (
	"context"
	"encoding/json"
	"math"
	"reflect"
	"strings"
	"testing"
	"time"

	"google.golang.org/api/sheets/v4"

	"github.com/auxon-planner/auxon/pipeline"
	"github.com/auxon-planner/auxon/planner"
	auxsheets "github.com/auxon-planner/auxon/sheets"
	"github.com/auxon-planner/auxon/sheets/sheetstest"
	"github.com/auxon-planner/auxon/templates"
	"github.com/auxon-planner/auxon/workbook"
)

// exampleSpreadsheet seeds the bundled example, shared with the robot.
func exampleSpreadsheet(t *testing.T, srv *sheetstest.Server) string {
	t.Helper()
	sp := sheetstest.FromSheets(templates.ExampleSheets()...)
	sp.Writers = []string{robot}
	id, err := srv.AddSpreadsheet(sp)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// TestPlanExampleEndToEnd plans the bundled example read from a fake
// spreadsheet through the real client, authenticated by a real JWT-bearer
// exchange, and checks the written tabs cell by cell: once plainly, once
// with the write applied but answered 503 (the driver finds it landed).
func TestPlanExampleEndToEnd(t *testing.T) {
	tests := []struct {
		name      string
		fault     *sheetstest.Fault
		wantCalls map[string]int
	}{
		{"plain", nil, map[string]int{"spreadsheets.get": 1, "spreadsheets.batchUpdate": 1}},
		{"applied but 503", &sheetstest.Fault{Method: "spreadsheets.batchUpdate", Status: 503, Apply: true},
			map[string]int{"spreadsheets.get": 2, "spreadsheets.batchUpdate": 1}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) { planExample(t, tc.fault, tc.wantCalls) })
	}
}

func planExample(t *testing.T, fault *sheetstest.Fault, wantCalls map[string]int) {
	srv := sheetstest.NewServer(&sheetstest.Options{RequireAuth: true})
	defer srv.Close()
	key, err := srv.NewServiceAccount(robot)
	if err != nil {
		t.Fatal(err)
	}
	id := exampleSpreadsheet(t, srv)
	if fault != nil {
		srv.Inject(*fault)
	}
	ctx := context.Background()
	svc, account, err := auxsheets.NewService(ctx, &auxsheets.Credentials{KeyJSON: key, Endpoint: srv.URL() + "/", HTTPClient: srv.Client()})
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 11, 25, 18, 36, 0, 0, time.UTC)
	wb, err := auxsheets.Open(svc, id, &auxsheets.Options{Account: account, Now: func() time.Time { return now }, Retry: noSleep(nil)})
	if err != nil {
		t.Fatal(err)
	}
	out, err := pipeline.Run(ctx, pipeline.Job{Workbook: wb, RunID: "run-e2e", Now: func() time.Time { return now },
		Solve: planner.Options{TimeLimit: 5 * time.Second}})
	if err != nil {
		t.Fatal(err)
	}
	byMethod, total := srv.Calls()
	t.Logf("API calls for one plan run: %d %v; token exchanges: %v", total, byMethod, srv.TokenCalls())
	if !reflect.DeepEqual(byMethod, wantCalls) {
		t.Errorf("API calls = %v, want %v", byMethod, wantCalls)
	}
	if n := srv.TokenCalls()["urn:ietf:params:oauth:grant-type:jwt-bearer"]; n != 1 {
		t.Errorf("token exchanges = %d, want 1", n)
	}

	ss, err := srv.Spreadsheet(id)
	if err != nil {
		t.Fatal(err)
	}
	want := templates.Render(out.Report, out.Intent.Settings.OutputPrefix, "", workbook.DefaultMaxTabName)
	if len(out.Tabs) != len(want) {
		t.Fatalf("wrote %v, want %d tabs", out.Tabs, len(want))
	}
	for _, tab := range want {
		sh := findSheet(ss, tab.Name)
		if sh == nil {
			t.Fatalf("tab %q missing; have %v", tab.Name, titles(ss))
		}
		checkTab(t, sh, tab)
	}
	if got, wantN := len(ss.Sheets), len(templates.ExampleSheets())+len(want); got != wantN {
		t.Errorf("%d tabs, want %d (inputs + one set of outputs): %v", got, wantN, titles(ss))
	}
	checkInputsUnchanged(t, ss)
	checkUtilizationExtras(t, findSheet(ss, templates.TabName(out.Intent.Settings.OutputPrefix, templates.KindUtilization, now, workbook.DefaultMaxTabName)))
}

func findSheet(ss *sheets.Spreadsheet, title string) *sheets.Sheet {
	for _, sh := range ss.Sheets {
		if sh.Properties.Title == title {
			return sh
		}
	}
	return nil
}

func titles(ss *sheets.Spreadsheet) []string {
	var out []string
	for _, sh := range ss.Sheets {
		out = append(out, sh.Properties.Title)
	}
	return out
}

// checkTab compares a written tab with the rendered one: grid size,
// frozen header, tag, every cell's typed value, header bold, number
// formats.
func checkTab(t *testing.T, sh *sheets.Sheet, tab *workbook.OutputTab) {
	t.Helper()
	gp := sh.Properties.GridProperties
	width := 0
	for _, r := range tab.Rows {
		width = max(width, len(r))
	}
	if gp.RowCount != int64(max(len(tab.Rows), 2)) || gp.ColumnCount < int64(width) || gp.FrozenRowCount != 1 {
		t.Errorf("%s: grid %dx%d frozen %d, want %dx%d frozen 1", tab.Name, gp.RowCount, gp.ColumnCount, gp.FrozenRowCount, len(tab.Rows), width)
	}
	if len(sh.DeveloperMetadata) != 1 || sh.DeveloperMetadata[0].MetadataKey != auxsheets.TagKey {
		t.Fatalf("%s: metadata %v", tab.Name, sh.DeveloperMetadata)
	}
	var tag struct{ Run, Kind, Created string }
	json.Unmarshal([]byte(sh.DeveloperMetadata[0].MetadataValue), &tag)
	if tag.Run != "run-e2e" || tag.Kind != tab.Kind || tag.Created != "2026-11-25T18:36:00Z" || sh.DeveloperMetadata[0].Visibility != "DOCUMENT" {
		t.Errorf("%s: tag %+v", tab.Name, sh.DeveloperMetadata[0])
	}
	rows := sh.Data[0].RowData
	for i, r := range tab.Rows {
		for j, c := range r {
			var cd *sheets.CellData
			if i < len(rows) && j < len(rows[i].Values) {
				cd = rows[i].Values[j]
			}
			if !sameValue(cd, c) {
				t.Errorf("%s!%s%d = %s, want %v", tab.Name, string(rune('A'+j)), i+1, cellJSON(cd), c)
			}
			if i == 0 && (cd == nil || cd.UserEnteredFormat == nil || !cd.UserEnteredFormat.TextFormat.Bold) {
				t.Errorf("%s: header cell %d not bold", tab.Name, j)
			}
			if code, ok := tab.Format.NumberFormats[j]; ok && i > 0 && (cd == nil || cd.UserEnteredFormat == nil ||
				cd.UserEnteredFormat.NumberFormat == nil || cd.UserEnteredFormat.NumberFormat.Pattern != code) {
				t.Errorf("%s!%d,%d: number format %s, want %q", tab.Name, i, j, cellJSON(cd), code)
			}
		}
	}
}

func sameValue(cd *sheets.CellData, c workbook.Cell) bool {
	var v *sheets.ExtendedValue
	if cd != nil {
		v = cd.UserEnteredValue
	}
	switch c.Kind {
	case workbook.Empty:
		return v == nil
	case workbook.Number:
		return v != nil && v.NumberValue != nil && *v.NumberValue == c.Num
	case workbook.String:
		return v != nil && v.StringValue != nil && *v.StringValue == c.Str && v.FormulaValue == nil
	case workbook.Bool:
		return v != nil && v.BoolValue != nil && *v.BoolValue == c.Bool
	}
	return false
}

func cellJSON(cd *sheets.CellData) string {
	b, _ := json.Marshal(cd)
	return string(b)
}

// checkInputsUnchanged compares the intent tabs with the example.
func checkInputsUnchanged(t *testing.T, ss *sheets.Spreadsheet) {
	t.Helper()
	for _, s := range templates.ExampleSheets() {
		sh := findSheet(ss, s.Name)
		if sh == nil || len(sh.DeveloperMetadata) != 0 {
			t.Errorf("input tab %q missing or tagged", s.Name)
			continue
		}
		rows := sh.Data[0].RowData
		for i, r := range s.Rows {
			for j, c := range r {
				var cd *sheets.CellData
				if i < len(rows) && j < len(rows[i].Values) {
					cd = rows[i].Values[j]
				}
				if !sameValue(cd, c) {
					t.Errorf("input %s row %d col %d changed: %s", s.Name, i+1, j+1, cellJSON(cd))
				}
			}
		}
	}
}

// checkUtilizationExtras checks the >90% highlight and the chart.
func checkUtilizationExtras(t *testing.T, sh *sheets.Sheet) {
	t.Helper()
	if sh == nil {
		t.Fatal("no Utilization tab")
	}
	if len(sh.ConditionalFormats) != 1 {
		t.Fatalf("conditional formats: %d, want 1", len(sh.ConditionalFormats))
	}
	cf := sh.ConditionalFormats[0]
	c := cf.BooleanRule.Condition
	if c.Type != "NUMBER_GREATER" || c.Values[0].UserEnteredValue != "0.9" || cf.Ranges[0].StartColumnIndex != 5 || cf.Ranges[0].StartRowIndex != 1 {
		t.Errorf("highlight rule: %s", mustJSON(cf))
	}
	if bg := cf.BooleanRule.Format.BackgroundColor; math.Abs(bg.Red-1) > 1e-9 {
		t.Errorf("highlight colour %+v, want light red", bg)
	}
	if len(sh.Charts) != 1 {
		t.Fatalf("charts: %d, want 1", len(sh.Charts))
	}
	ch := sh.Charts[0]
	a := ch.Position.OverlayPosition.AnchorCell
	if ch.Spec.BasicChart.ChartType != "BAR" || a.ColumnIndex != 7 || a.RowIndex != 1 || !strings.HasPrefix(ch.Spec.Title, "Utilization") ||
		len(ch.Spec.BasicChart.Series) != 1 || ch.Spec.BasicChart.Series[0].Series.SourceRange.Sources[0].StartColumnIndex != 5 {
		t.Errorf("chart: %s", mustJSON(ch))
	}
}

func mustJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// TestValidateReadOnly reads the example with a read-only token: one call.
func TestValidateReadOnly(t *testing.T) {
	srv := sheetstest.NewServer(&sheetstest.Options{RequireAuth: true})
	defer srv.Close()
	key, err := srv.NewServiceAccount(robot)
	if err != nil {
		t.Fatal(err)
	}
	id := exampleSpreadsheet(t, srv)
	wb := openWith(t, srv, id, &auxsheets.Credentials{KeyJSON: key, ReadOnly: true})
	in, problems, err := templates.Read(context.Background(), wb)
	if err != nil || problems.Err() != nil || len(in.Services) == 0 {
		t.Fatalf("Read: %v %v", err, problems.Err())
	}
	if _, total := srv.Calls(); total != 1 {
		t.Errorf("validate made %d API calls, want 1", total)
	}
}
