package workbook

// DefaultMaxTabName is the longest tab name a backend accepts unless it
// says otherwise (Google Sheets allows 100 characters).
const DefaultMaxTabName = 100

// tabNameLimiter is implemented by backends with a shorter limit on tab
// names (XLSX: 31 characters).
type tabNameLimiter interface {
	MaxTabName() int
}

// MaxTabName is the longest tab name, in characters, the backend accepts.
func (w *Workbook) MaxTabName() int {
	if l, ok := w.d.(tabNameLimiter); ok {
		return l.MaxTabName()
	}
	return DefaultMaxTabName
}
