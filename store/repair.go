package store

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// repairAfterKill removes what a kill during an earlier open can leave in
// Badger's folder: a value-log or memtable file created but never sized
// (zero bytes), which the next open would refuse ("Open existing file …
// Create a new file"). Such a file holds nothing; Badger makes it again.
// Every other file is left alone.
func repairAfterKill(dbDir string) error {
	entries, err := os.ReadDir(dbDir)
	if os.IsNotExist(err) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("check the data folder %s: %w", dbDir, err)
	}
	for _, e := range entries {
		name := e.Name()
		if e.IsDir() || !(strings.HasSuffix(name, ".vlog") || strings.HasSuffix(name, ".mem")) {
			continue
		}
		info, err := e.Info()
		if err != nil {
			return fmt.Errorf("check the data folder %s: %w", dbDir, err)
		}
		if info.Size() == 0 {
			if err := os.Remove(filepath.Join(dbDir, name)); err != nil {
				return fmt.Errorf("repair the data folder %s: %w", dbDir, err)
			}
		}
	}
	return nil
}
