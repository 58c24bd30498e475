// Package xlsx is the workbook backend for XLSX files (Excel, LibreOffice
// Calc, Google Sheets downloads).
//
// Reading streams each worksheet's XML straight from the zip archive, so
// a 100,000-row tab reads in well under a second and a few tens of MB:
// cells keep their types (numbers, text, booleans, error values; dates
// are serial numbers), formulas read as the values cached by the program
// that last calculated them (a formula never calculated reads blank),
// every cell of a merged range carries its top-left value, and hidden rows
// and hidden tabs are read like any other.
//
// Writing uses excelize. The input file is never modified unless
// Options.InPlace is set: by default writes go to Options.Output, a copy
// of the input plus the new tabs, written to a temporary file in the same
// directory, synced and renamed over the target, so a crash never leaves
// a half-written workbook. Tabs auxon writes are tagged with a custom
// document property "auxon.tab.<name>" holding the run id, kind and time;
// only tagged tabs can be deleted through package workbook.
package xlsx
