package driver

// Sheet is a tab to write: typed rows plus formatting hints. Backends
// render the hints they support and ignore the rest; the data is always
// written.
type Sheet struct {
	Name string
	// Rows[i] is sheet row i+1.
	Rows   [][]Cell
	Format Format
	// Hidden hides the whole tab.
	Hidden bool
}

// Format holds presentation hints for a Sheet. The zero Format is plain.
type Format struct {
	// HeaderRows is the number of leading header rows (usually 1).
	HeaderRows int
	// BoldHeader renders the header rows in bold.
	BoldHeader bool
	// FreezeHeader keeps the header rows visible while scrolling.
	FreezeHeader bool
	// ColumnWidths are widths in characters by zero-based column; 0 keeps
	// the backend's default.
	ColumnWidths []float64
	// NumberFormats maps a zero-based column to a spreadsheet number
	// format code ("#,##0", "0.0%") applied to its data rows.
	NumberFormats map[int]string
	// Notes maps a zero-based column to a note on its first header cell.
	Notes map[int]string
	// Lists restrict columns' data cells to a list of values (a dropdown).
	Lists []ListValidation
	// Highlights colour data cells whose value is above a threshold.
	Highlights []Highlight
	// Chart is an optional chart drawn from the sheet's data.
	Chart *Chart
}

// ListValidation restricts the data cells of column Col (rows
// HeaderRows+1 through Rows) to a list: either the fixed Values, or the
// data cells of column SourceCol in tab SourceTab.
type ListValidation struct {
	Col       int
	Values    []string
	SourceTab string
	SourceCol int
	// Rows is the last sheet row the validation covers (0: 1000).
	Rows int
}

// Highlight colours data cells of columns FromCol..ToCol (zero-based,
// inclusive) whose number is above Above, e.g. utilisation above 0.9.
type Highlight struct {
	FromCol, ToCol int
	Above          float64
	// Color is an RGB hex fill such as "FFC7CE" (default light red).
	Color string
}

// ChartKind is the type of a chart.
type ChartKind string

// Chart kinds.
const (
	BarChart ChartKind = "bar"
	ColChart ChartKind = "col"
)

// Chart draws the data rows of one category column against one or more
// value columns.
type Chart struct {
	Kind  ChartKind
	Title string
	// CategoryCol labels the bars; ValueCols are the series, each named
	// by its header cell.
	CategoryCol int
	ValueCols   []int
	// Anchor is the A1 cell at the chart's top-left corner (default to the
	// right of the data).
	Anchor string
}
