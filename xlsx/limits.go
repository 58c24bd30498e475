package xlsx

// maxTabName is Excel's limit on sheet names, in characters.
const maxTabName = 31

// MaxTabName reports Excel's limit on sheet names (31 characters) to
// package workbook.
func (d *Driver) MaxTabName() int { return maxTabName }
