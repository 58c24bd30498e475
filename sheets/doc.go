// Package sheets is the Google Sheets backend of package workbook: it reads
// intent tabs from a spreadsheet and writes a run's output tabs back through
// the Sheets v4 API (google.golang.org/api/sheets/v4), safely beside humans
// editing the same spreadsheet.
//
// Reads. A Driver reads the spreadsheet once, with one spreadsheets.get
// whose field mask asks for every tab's properties, developer metadata,
// merges and effective (unformatted) values. Numbers come back as numbers,
// dates as serial numbers (days since 1899-12-30, the SERIAL_NUMBER
// rendering), formulas as their computed values and errors as "#DIV/0!"
// and alike, whatever the spreadsheet's locale; every cell of a merged
// range carries its top-left value. Tabs and ReadTabs are served from that
// read until the Driver writes (or Refresh is called), so a plan run costs
// one read call and one write call.
//
// Writes. Update sends one spreadsheets.batchUpdate, the only atomic unit
// the API has: deleteSheet for retention, then for each new tab an
// addSheet with an explicit random sheet id and a grid sized to the data,
// its typed cells through updateCells (text is always a stringValue, never
// USER_ENTERED, so a generated "=..." cannot become a formula), the header
// format, column widths, number formats, dropdowns, the >90% highlight, the
// chart, and a developer metadata entry (key "auxon.tab", DOCUMENT
// visibility) tagging the tab as auxon's. Tabs are deleted only if they
// carry that metadata.
//
// Faults. Calls that fail with 429, 5xx or a timeout are retried with
// truncated exponential backoff and full jitter (Options.Retry). A write
// that failed ambiguously (5xx or timeout: it may have been applied) is
// followed by a metadata read that looks for the run's sheet ids; if they
// landed the write succeeded, if none did it is retried, so a run ends
// with exactly one set of tabs or an error. A Driver stops after
// Options.MaxCalls API calls. Sheets has no optimistic concurrency; writes
// are additive under fresh ids and run-stamped titles, so a human edit
// between read and write either survives untouched or, if it took a title
// or deleted a tab the batch needs, makes the whole batch fail with
// nothing applied.
//
// Credentials: see NewService (service-account key, Application Default
// Credentials, or a user token cached by Login).
package sheets
