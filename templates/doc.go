// Package templates is the spreadsheet contract of auxon: the tabs and
// columns of the intent workbook (Schema), the parser that turns grids of
// cells into a planner.Intent with cell-precise problems (Parse, Read),
// and the blank and worked-example workbooks (Blank, ExampleSheets,
// Example).
//
// Headers are matched case-insensitively, ignoring spaces, underscores,
// hyphens and a trailing unit in parentheses, so "Latency SLO (ms)",
// "latency_slo" and "LatencySLO" are one column. Column order is free,
// unknown columns are ignored, blank rows are skipped.
//
// Values may be numbers, numbers written as text ("1,234.5", "12%",
// " 40 "), booleans or dates (which read as their serial numbers). A value
// that cannot be read is a problem naming its cell, never a silent zero.
// Hidden rows and tabs are read like any other.
package templates
