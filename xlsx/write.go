package xlsx

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/xuri/excelize/v2"

	"github.com/auxon-planner/auxon/workbook/driver"
)

// Update implements driver.Workbook: it applies the batch to a copy of
// the current file in memory and replaces the output file atomically, so
// a failure at any step leaves every file as it was.
func (d *Driver) Update(ctx context.Context, b *driver.Batch) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.output == "" {
		return ErrReadOnly
	}
	f, err := excelize.OpenFile(d.cur)
	if err != nil {
		return fmt.Errorf("xlsx: %s: %w", d.cur, err)
	}
	defer f.Close()
	if err := apply(f, b); err != nil {
		return fmt.Errorf("xlsx: %s: %w", d.cur, err)
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := writeAtomic(d.output, f); err != nil {
		return fmt.Errorf("xlsx: write %s: %w", d.output, err)
	}
	d.cur = d.output
	return nil
}

// apply checks the whole batch, then deletes and adds tabs.
func apply(f *excelize.File, b *driver.Batch) error {
	if err := check(f.GetSheetList(), b); err != nil {
		return err
	}
	for _, n := range b.Delete {
		if err := f.DeleteSheet(n); err != nil {
			return fmt.Errorf("delete tab %q: %w", n, err)
		}
		if err := f.SetCustomProps(excelize.CustomProperty{Name: tagPrefix + n}); err != nil {
			return fmt.Errorf("untag tab %q: %w", n, err)
		}
	}
	for _, a := range b.Add {
		if err := addSheet(f, a.Sheet); err != nil {
			return fmt.Errorf("add tab %q: %w", a.Sheet.Name, err)
		}
		if a.Tag != nil {
			err := f.SetCustomProps(excelize.CustomProperty{Name: tagPrefix + a.Sheet.Name, Value: a.Tag.Encode()})
			if err != nil {
				return fmt.Errorf("tag tab %q: %w", a.Sheet.Name, err)
			}
		}
	}
	return nil
}

// check refuses a batch that deletes a missing tab, adds a taken or
// invalid name, or would leave no visible tab.
func check(existing []string, b *driver.Batch) error {
	have := map[string]bool{}
	for _, n := range existing {
		have[strings.ToLower(n)] = true
	}
	for _, n := range b.Delete {
		if !have[strings.ToLower(n)] {
			return fmt.Errorf("delete tab %q: no such tab", n)
		}
		delete(have, strings.ToLower(n))
	}
	for _, a := range b.Add {
		n := a.Sheet.Name
		if err := checkName(n); err != nil {
			return err
		}
		if have[strings.ToLower(n)] {
			return fmt.Errorf("add tab %q: a tab of that name exists (names are case-insensitive)", n)
		}
		have[strings.ToLower(n)] = true
	}
	if len(have) == 0 {
		return fmt.Errorf("a workbook must keep at least one tab")
	}
	return nil
}

// checkName applies Excel's rules for tab names.
func checkName(n string) error {
	switch {
	case n == "":
		return fmt.Errorf("empty tab name")
	case len([]rune(n)) > 31:
		return fmt.Errorf("tab name %q is longer than Excel's 31 characters", n)
	case strings.ContainsAny(n, `:\/?*[]`):
		return fmt.Errorf("tab name %q holds one of Excel's forbidden characters : \\ / ? * [ ]", n)
	case strings.HasPrefix(n, "'") || strings.HasSuffix(n, "'"):
		return fmt.Errorf("tab name %q starts or ends with an apostrophe", n)
	}
	return nil
}

// writeAtomic writes f to a temporary file next to name, syncs it and
// renames it over name.
func writeAtomic(name string, f *excelize.File) error {
	return writeFileAtomic(name, func(w io.Writer) error {
		_, err := f.WriteTo(w)
		return err
	})
}

// writeFileAtomic writes through fill into a temporary file in name's
// directory, syncs, renames it to name and syncs the directory.
func writeFileAtomic(name string, fill func(io.Writer) error) (err error) {
	dir := filepath.Dir(name)
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(name)+".tmp-*")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if err = fill(tmp); err != nil {
		return err
	}
	if err = tmp.Chmod(0o644); err != nil {
		return err
	}
	if err = tmp.Sync(); err != nil {
		return err
	}
	if err = tmp.Close(); err != nil {
		return err
	}
	if err = os.Rename(tmp.Name(), name); err != nil {
		return err
	}
	if d, derr := os.Open(dir); derr == nil {
		d.Sync()
		d.Close()
	}
	return nil
}
