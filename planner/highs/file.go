package highs

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// WriteModel writes m to path in the format its extension names: ".mps"
// (free MPS) or ".lp" (CPLEX LP). The file is written beside its final
// name and renamed into place, so a reader never sees half a model.
func WriteModel(m *Model, path string) error {
	ext := strings.ToLower(filepath.Ext(path))
	if ext != ".mps" && ext != ".lp" {
		return fmt.Errorf("highs: write %s: extension must be .mps or .lp", path)
	}
	in, err := load(m, nil)
	if err != nil {
		return err
	}
	defer in.close()
	tmp, err := os.CreateTemp(filepath.Dir(path), ".auxon-model-*"+ext)
	if err != nil {
		return fmt.Errorf("highs: write %s: %w", path, err)
	}
	tmpName := tmp.Name()
	tmp.Close()
	defer os.Remove(tmpName)
	if !in.writeModel(tmpName) {
		return fmt.Errorf("highs: write %s: HiGHS could not write the model", path)
	}
	if err := os.Rename(tmpName, path); err != nil {
		return fmt.Errorf("highs: write %s: %w", path, err)
	}
	return nil
}

// ReadModel reads a model file (.mps or .lp; HiGHS picks the reader by
// extension), names included.
func ReadModel(path string) (*Model, error) {
	in, err := newInstance(nil)
	if err != nil {
		return nil, err
	}
	defer in.close()
	if !in.readModel(path) {
		return nil, fmt.Errorf("highs: read %s: HiGHS could not read the model", path)
	}
	m, err := in.model()
	if err != nil {
		return nil, fmt.Errorf("highs: read %s: %w", path, err)
	}
	return m, nil
}
