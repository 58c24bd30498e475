// Package sheetstest is an in-process fake of the Google Sheets v4 API and
// of Google's OAuth 2.0 token endpoint, in the style of fake-gcs-server:
// seed spreadsheets through AddSpreadsheet, point the real
// google.golang.org/api/sheets/v4 client at it with Service (or
// option.WithEndpoint(URL()+"/")), and inspect what landed with Spreadsheet
// and Calls.
//
// What it reproduces (see ../../../shared/reference/sheets-api.md):
//
//   - Routing as the Go client sends it: escaped paths, %2F inside a range,
//     the verb after the last ':' of the escaped segment, repeated ranges=,
//     PUT for values.update; alt, prettyPrint, $.xgafv and quotaUser are
//     ignored. Request bodies decode strictly against the sheets/v4 types
//     (unknown fields give "Invalid JSON payload received").
//   - Google-format errors: {"error":{code,message,status,details}} with
//     valid @types and the verbatim messages of the reference (Unable to
//     parse range, exceeds grid limits, Invalid requests[i].<kind>: ...,
//     Requested entity was not found., The caller does not have permission,
//     Request had insufficient authentication scopes., the 429 quota body).
//   - spreadsheets.batchUpdate all-or-nothing: sub-requests run in order on
//     a copy that is committed only if all succeed; positional replies,
//     random positive 31-bit ids, index shifting, "fields" required, the
//     zero-value defaults (a missing sheetId is 0, a missing end index is
//     unbounded). Supported requests: addSheet, deleteSheet,
//     updateSheetProperties, updateCells, repeatCell,
//     updateDimensionProperties, insertDimension, mergeCells,
//     setDataValidation, addConditionalFormatRule, addChart,
//     createDeveloperMetadata, addProtectedRange.
//   - Protected ranges: edits (cells, validation, values writes, clears,
//     deleting the sheet) touching a range protected against the caller
//     fail with Google's protected-cell message; the spreadsheet's Owner
//     and a range's editors pass, and warningOnly ranges block nobody.
//   - Sheet rules: case-insensitive unique titles of at most 100
//     characters, no duplicate sheet ids, the last sheet cannot be deleted
//     nor every sheet hidden, nor every row or column frozen, the default
//     1000x26 grid, 18,278 columns, the
//     10,000,000-cell limit, 50,000 characters per cell, no auto-grow.
//   - A1 notation: quoted names with ” escapes, unquoted and
//     case-insensitive names, no sheet = the first visible sheet, a bare
//     sheet = its whole grid, open and reversed ranges, the response range
//     quoted only when needed; ValueRanges trimmed like Google's (ragged
//     rows, [] interior rows, no values key when empty), COLUMNS
//     transposition, UNFORMATTED_VALUE / FORMULA render options, RAW and a
//     subset of USER_ENTERED input (numbers, percents, booleans, "=" and
//     "+" formulas, a leading apostrophe; nulls skipped); values.get,
//     batchGet, update, batchUpdate, append (OVERWRITE and INSERT_ROWS,
//     with simple table detection) and clear; the updatedRange shrunk to
//     what was written.
//   - spreadsheets.get with includeGridData, ranges and field masks
//     (a.b, a/b and a(b,c) forms), merges, sheet-level developer metadata,
//     charts, conditional formats, column metadata.
//   - Auth (Options.RequireAuth): Bearer tokens issued by the fake's own
//     token endpoint (/token) for the jwt-bearer grant (RS256 signature,
//     aud and lifetime checked against keys made by NewServiceAccount), the
//     authorization_code grant with PKCE (the /o/oauth2/auth endpoint
//     consents at once as Options.User) and refresh_token grant; scopes
//     checked per method; per-spreadsheet sharing; revocation.
//   - Per-minute quota buckets (60 per user and 300 per project, read and
//     write apart, a batch counting once) on an injectable clock; fault
//     injection (429, 500, 503, "applied but 503", hanging until the
//     client gives up, applied late: after the client checked); a hook run before each call, from which Edit plays
//     a human editing the sheet between calls.
//
// Where it differs from Google:
//
//   - Formulas are not evaluated: a formula cell's value is the one
//     seeded with Formula, else empty. FORMATTED_VALUE honours only a
//     number format's decimals, grouping and percent, with the locale's
//     separators (comma-decimal for de, fr, es, it, pt, nl and a few
//     more); dates, currencies and sections are not rendered, and
//     dateTimeRenderOption is ignored (serial numbers are always
//     returned).
//   - Named ranges, filters, banding, pivot tables and
//     the other batchUpdate requests are outside the fake; they fail with
//     400 "... is not supported by sheetstest".
//   - Developer metadata visibility is stored but not enforced per project.
//   - Messages the reference does not record verbatim (a duplicate sheet
//     id, a bad index, too many columns) are plausible, not Google's.
//   - insertDimension shifts cells and merges only (not protected ranges,
//     rules or charts).
//   - Quota windows are fixed calendar minutes of the injected clock.
package sheetstest
