package xlsx

import (
	"fmt"
	"io"

	"github.com/xuri/excelize/v2"

	"github.com/auxon-planner/auxon/workbook/driver"
)

// fixedTime stamps the document properties of workbooks made by Write, so
// that the same sheets always give the same bytes.
const fixedTime = "2026-01-01T00:00:00Z"

// Write writes a new workbook holding sheets (untagged: they are the
// planner's, not auxon's output) to w. The output is deterministic: the
// same sheets give byte-identical files.
func Write(w io.Writer, sheets []*driver.Sheet) error {
	if err := write(w, sheets); err != nil {
		return fmt.Errorf("xlsx: write: %w", err)
	}
	return nil
}

func write(w io.Writer, sheets []*driver.Sheet) error {
	if len(sheets) == 0 {
		return fmt.Errorf("no sheets")
	}
	f := excelize.NewFile()
	defer f.Close()
	b := &driver.Batch{}
	for _, s := range sheets {
		b.Add = append(b.Add, driver.TaggedSheet{Sheet: s})
	}
	placeholder := f.GetSheetName(0)
	if err := buildNew(f, b, placeholder); err != nil {
		return err
	}
	_, err := f.WriteTo(w)
	return err
}

// buildNew fills a fresh excelize file with the batch and drops its
// placeholder tab.
func buildNew(f *excelize.File, b *driver.Batch, placeholder string) error {
	tmp := "auxon-placeholder"
	if err := f.SetSheetName(placeholder, tmp); err != nil {
		return err
	}
	if err := apply(f, b); err != nil {
		return err
	}
	if err := f.DeleteSheet(tmp); err != nil {
		return err
	}
	f.SetActiveSheet(0)
	return f.SetDocProps(&excelize.DocProperties{Creator: "auxon", LastModifiedBy: "auxon",
		Created: fixedTime, Modified: fixedTime, Title: "auxon intent workbook"})
}

// Create writes a new workbook holding sheets to path, atomically (see
// Write).
func Create(path string, sheets []*driver.Sheet) error {
	if err := writeFileAtomic(path, func(w io.Writer) error { return write(w, sheets) }); err != nil {
		return fmt.Errorf("xlsx: create %s: %w", path, err)
	}
	return nil
}
